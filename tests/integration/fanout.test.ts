import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PipelineEventsDocument, type PipelineEventsSubscription } from '../../client/index.js';
import { Topics } from '../../src/platform/pubsub.js';
import { createTenant, uniqueAddress, type Tenant } from '../helpers/gql.js';
import { startApiProcess, type ApiProcess } from '../helpers/process.js';
import { startTestServer } from '../helpers/server.js';
import { rawSubscribe, type RawSubscriber } from '../helpers/ws.js';

// Mutations are served by this process; the second process only serves sockets, so every SQL
// statement it sends during a move is subscription work.
const server = await startTestServer({
  workers: false,
  config: { wsMaxConnectionsPerUser: 1000, wsMaxBufferedBytes: 256 * 1024 },
});
const QUERY = print(PipelineEventsDocument);
type Event = PipelineEventsSubscription['pipelineEvents'];
let second: ApiProcess;
beforeAll(async () => {
  // Sessions are checked rarely here: the periodic check is per user, not per event, and would land in
  // some measuring windows and not others.
  second = await startApiProcess(server.config, ['--no-worker'], {
    WS_MAX_CONNECTIONS_PER_USER: '1000',
    SESSION_CHECK_MS: '3600000',
  });
});
afterAll(async () => {
  await second?.stop();
});

const settle = () => new Promise((r) => setTimeout(r, 500));

async function open(wsUrl: string, token: string, count: number): Promise<RawSubscriber<PipelineEventsSubscription>[]> {
  return Promise.all(
    Array.from({ length: count }, () => rawSubscribe<PipelineEventsSubscription>(wsUrl, token, QUERY)),
  );
}

async function close(subscribers: RawSubscriber<unknown>[]): Promise<void> {
  for (const s of subscribers) s.socket.close();
  await Promise.all(subscribers.map((s) => s.closed));
}

async function dealOf(t: Tenant): Promise<string> {
  const { createProperty: p } = await t.api.CreateProperty({ input: uniqueAddress('99999') });
  const { createLead: lead } = await t.api.CreateLead({
    input: { firstName: 'Fan', lastName: 'Out', propertyId: p.id },
  });
  const { createDeal: deal } = await t.api.CreateDeal({ input: { leadId: lead.id, propertyId: p.id } });
  return deal.id;
}

/** Moves the deal `count` times between two stages; returns the stages in order. */
async function moves(t: Tenant, dealId: string, count: number, first = 'CONTACTED'): Promise<string[]> {
  const stages: string[] = [];
  for (let i = 0; i < count; i++) {
    const stage = (i % 2 === 0) === (first === 'CONTACTED') ? 'CONTACTED' : 'APPOINTMENT_SET';
    await t.api.MoveDeal({ id: dealId, stage: stage as never });
    stages.push(stage);
  }
  return stages;
}

async function statementsOfSecond(): Promise<number> {
  const text = await (await fetch(second.url.replace('/graphql', '/metrics'))).text();
  return Number(/^db_statements_total (\d+)/m.exec(text)![1]);
}

describe('subscription fan-out', () => {
  it('200 sockets on two processes get every event once and in order; other organizations hear nothing', async () => {
    const t = await createTenant(server.url);
    const other = await createTenant(server.url);
    const subscribers = [...(await open(server.wsUrl, t.token, 100)), ...(await open(second.wsUrl, t.token, 100))];
    const outsiders = [...(await open(server.wsUrl, other.token, 1)), ...(await open(second.wsUrl, other.token, 1))];
    await settle();

    const dealId = await dealOf(t);
    const stages = await moves(t, dealId, 20);
    const expected = ['PROPERTY_CREATED', 'LEAD_CREATED', 'DEAL_CREATED', ...stages.map((s) => `DEAL_MOVED:${s}`)];
    await Promise.all(subscribers.map((s) => s.waitFor(expected.length)));
    await settle(); // anything extra (a duplicate) would arrive by now
    const seen = (e: Event) => (e.type === 'DEAL_MOVED' ? `DEAL_MOVED:${e.toStage}` : e.type);
    for (const s of subscribers) {
      expect(s.events.map((e) => seen(e.pipelineEvents))).toEqual(expected);
      expect(s.events.at(-1)!.pipelineEvents.deal).toMatchObject({ id: dealId, stage: stages.at(-1) });
    }
    expect(subscribers.flatMap((s) => s.errors)).toEqual([]);
    expect(outsiders.map((s) => s.events.length)).toEqual([0, 0]);
    await close([...subscribers, ...outsiders]);
  });

  it('the SQL statements per event do not grow with the number of sockets', async () => {
    const t = await createTenant(server.url);
    const dealId = await dealOf(t);
    const measure = async (sockets: number, first: string) => {
      const subscribers = await open(second.wsUrl, t.token, sockets);
      await settle();
      const before = await statementsOfSecond();
      await moves(t, dealId, 5, first);
      await Promise.all(subscribers.map((s) => s.waitFor(5)));
      const statements = (await statementsOfSecond()) - before;
      await close(subscribers);
      await settle();
      return statements;
    };
    const one = await measure(1, 'CONTACTED');
    const many = await measure(150, 'APPOINTMENT_SET');
    expect(one).toBeGreaterThan(0); // each event is resolved: the deal and the actor are read
    expect(many).toBe(one);
  });

  it('a socket that stops reading is closed with 4413 and does not delay the others', async () => {
    const t = await createTenant(server.url);
    const query = 'subscription Job($id: ID!) { jobProgress(id: $id) { jobId state progress error } }';
    type Progress = { jobProgress: { progress: number; error: string } };
    const variables = { id: 'job-1' };
    const reader = await rawSubscribe<Progress>(server.wsUrl, t.token, query, variables);
    const stalled = await rawSubscribe<Progress>(server.wsUrl, t.token, query, variables);
    await settle();
    (stalled.socket as unknown as { _socket: { pause(): void } })._socket.pause();

    // 400 events of 16 KB: 6.4 MB, far past what the kernel buffers and WS_MAX_BUFFERED_BYTES hold.
    const error = 'x'.repeat(16 * 1024);
    for (let i = 0; i < 400; i++) {
      const payload = {
        organizationId: t.organizationId,
        jobId: 'job-1',
        queue: 'q',
        state: 'active',
        progress: i,
        error,
      };
      server.deps.pubsub.publish(Topics.JOBS, t.organizationId, payload);
    }
    // The reader gets all 400 in order while the stalled socket is still not reading.
    await reader.waitFor(400, 30_000);
    expect(reader.events.map((e) => e.jobProgress.progress)).toEqual(Array.from({ length: 400 }, (_, i) => i));
    expect(stalled.events.length).toBe(0);

    (stalled.socket as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await stalled.closed).toBe(4413);
    expect(stalled.events.length).toBeLessThan(400);
    const metrics = await (await fetch(server.url.replace('/graphql', '/metrics'))).text();
    expect(metrics).toMatch(/^ws_slow_consumer_closes_total [1-9]/m);
    reader.socket.close();
  });
});
