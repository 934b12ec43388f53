import { EventEmitter, on } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, graphql } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { Redis } from 'ioredis';
import pg from 'pg';
import { WebSocketServer } from 'ws';

/**
 * The bare baseline of the fan-out benchmark: graphql-js over node:http for `moveDeal` (one UPDATE
 * with the actor's name joined in, then a Redis PUBLISH of the finished event) and graphql-ws over
 * `ws` for `pipelineEvents`, each socket's subscription resolving straight from the published
 * payload, one Redis SUBSCRIBE per process. No ORM, no auth, no tenancy checks, no limits, no
 * logging: what the same delivery costs with nothing else. The organization comes from `x-org-id`,
 * the actor from `x-user-id`, on the request and in the socket's connection_init payload.
 */
const schema = buildSchema(`
  type Query { ok: Boolean }
  enum DealStage { NEW CONTACTED APPOINTMENT_SET OFFER_MADE NEGOTIATION UNDER_CONTRACT CLOSED_WON CLOSED_LOST }
  type Deal { id: ID!, stage: DealStage!, title: String! }
  type User { id: ID!, name: String! }
  type PipelineEvent { type: String!, fromStage: DealStage, toStage: DealStage, at: String!, deal: Deal, actor: User }
  type Mutation { moveDeal(id: ID!, stage: DealStage!): Deal! }
  type Subscription { pipelineEvents: PipelineEvent! }
`);

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const publisher = new Redis(process.env.REDIS_URL!);
const subscriber = new Redis(process.env.REDIS_URL!);
const prefix = `${process.env.REDIS_PREFIX}:bare-pipeline:`;
const events = new EventEmitter();
events.setMaxListeners(0);
await subscriber.psubscribe(`${prefix}*`);
subscriber.on('pmessage', (_pattern, channel, message) => events.emit(channel, JSON.parse(message)));

async function moveDeal(org: string, userId: string, id: string, stage: string) {
  const { rows } = await pool.query(
    `with old as (select stage from deals where id = $1 and organization_id = $3 for update)
     update deals d set stage = $2, stage_changed_at = now(), updated_at = now() from old, users u
     where d.id = $1 and d.organization_id = $3 and u.id = $4
     returning d.id, d.stage, d.title, old.stage as from_stage, u.id as user_id, u.name as user_name`,
    [id, stage, org, userId],
  );
  const r = rows[0];
  if (!r) throw new Error('deal not found');
  const event = {
    type: 'DEAL_MOVED',
    fromStage: r.from_stage,
    toStage: r.stage,
    at: new Date().toISOString(),
    deal: { id: r.id, stage: r.stage, title: r.title },
    actor: { id: r.user_id, name: r.user_name },
  };
  await publisher.publish(prefix + org, JSON.stringify(event));
  return event.deal;
}

const http = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', async () => {
    const { query, variables } = JSON.parse(body) as { query: string; variables?: Record<string, unknown> };
    const org = String(req.headers['x-org-id']);
    const user = String(req.headers['x-user-id']);
    const result = await graphql({
      schema,
      source: query,
      rootValue: { moveDeal: (a: { id: string; stage: string }) => moveDeal(org, user, a.id, a.stage) },
      variableValues: variables,
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(result));
  });
});

const wss = new WebSocketServer({ server: http, path: '/graphql' });
useServer(
  {
    schema,
    roots: {
      subscription: {
        pipelineEvents: async function* (_args: unknown, ctx: { connectionParams?: { org?: string } }) {
          for await (const [event] of on(events, prefix + String(ctx.connectionParams?.org)))
            yield { pipelineEvents: event };
        },
      },
    },
    context: (ctx) => ctx,
  },
  wss,
);

http.listen(0, '127.0.0.1', () => {
  const { port } = http.address() as AddressInfo;
  console.log(JSON.stringify({ msg: 'fanout baseline listening', url: `http://127.0.0.1:${port}/graphql` }));
});
process.on('SIGTERM', () => {
  for (const socket of wss.clients) socket.terminate();
  http.close(() => void pool.end().then(() => process.exit(0)));
});
