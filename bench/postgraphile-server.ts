import { createRequire } from 'node:module';
import Module from 'node:module';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import type pg from 'pg';

// PostGraphile v4 runs on graphql 15 (its own copy); npm hoists one of its packages
// (graphql-parse-resolve-info) next to our graphql 16, and two graphql copies in one schema fail.
// Every `graphql` PostGraphile's packages ask for is its own copy.
const entry = createRequire(import.meta.url).resolve('postgraphile');
type Parent = { filename?: string; paths?: string[] };
type Resolve = (request: string, parent?: Parent, ...rest: unknown[]) => string;
const modules = Module as unknown as { _resolveFilename: Resolve; _nodeModulePaths(dir: string): string[] };
const asPostgraphile: Parent = { filename: entry, paths: modules._nodeModulePaths(dirname(entry)) };
const resolve = modules._resolveFilename;
modules._resolveFilename = function (request, parent, ...rest) {
  const fromGraphile = /graphile|graphql-parse-resolve-info/.test(parent?.filename ?? '');
  return resolve.call(this, request, /^graphql(\/|$)/.test(request) && fromGraphile ? asPostgraphile : parent, ...rest);
};
const { gql, makeExtendSchemaPlugin, postgraphile } = await import('postgraphile');

/**
 * The peer of the mixed-workload and nested-read benchmarks: PostGraphile v4 serving the same
 * tables through the app role (row-level security on), the organization set per request in
 * `pgSettings` from `x-org-id` (the actor from `x-user-id`). Lists, lookups, relations and inserts
 * are PostGraphile's own; `pipeline` (an aggregate) and `moveDeal` (update plus history row) are
 * added the way a PostGraphile user would, with a schema extension running SQL in the request's
 * transaction.
 */
const Extensions = makeExtendSchemaPlugin(() => ({
  typeDefs: gql`
    type PipelineStage {
      stage: DealStage!
      count: Int!
      totalValue: Float!
    }
    extend type Query {
      pipeline: [PipelineStage!]!
    }
    type MovedDeal {
      id: UUID!
      stage: DealStage!
    }
    extend type Mutation {
      moveDeal(id: UUID!, stage: DealStage!): MovedDeal!
    }
  `,
  resolvers: {
    Query: {
      pipeline: async (_p: unknown, _a: unknown, { pgClient }: { pgClient: pg.PoolClient }) => {
        const { rows } = await pgClient.query(
          `select s.stage, count(d.id)::int as count,
                  coalesce(sum(coalesce(d.contract_price, d.offer_amount)), 0)::float8 as "totalValue"
             from unnest(enum_range(null::deal_stage)) as s(stage)
             left join deals d on d.stage = s.stage
            group by s.stage order by s.stage`,
        );
        return rows;
      },
    },
    Mutation: {
      moveDeal: async (
        _p: unknown,
        { id, stage }: { id: string; stage: string },
        { pgClient }: { pgClient: pg.PoolClient },
      ) => {
        const { rows } = await pgClient.query(
          `with old as (select id, stage, organization_id from deals where id = $1 for update),
                moved as (update deals d set stage = $2, stage_changed_at = now(), updated_at = now()
                            from old where d.id = old.id and old.stage <> $2 returning d.id, d.stage),
                history as (insert into deal_stage_changes (id, organization_id, deal_id, from_stage, to_stage, at,
                              by_user_id)
                            select gen_random_uuid(), old.organization_id, old.id, old.stage, $2, now(),
                                   nullif(current_setting('bench.user_id', true), '')::uuid
                              from old join moved on moved.id = old.id)
           select id, stage from moved`,
          [id, stage],
        );
        if (!rows[0]) throw new Error('The deal is not there or already in that stage');
        return rows[0];
      },
    },
  },
}));

const middleware = postgraphile(process.env.DATABASE_URL, 'public', {
  appendPlugins: [Extensions],
  pgSettings: (req) => ({
    'app.organization_id': String(req.headers['x-org-id'] ?? ''),
    'bench.user_id': String(req.headers['x-user-id'] ?? ''),
  }),
  disableQueryLog: true,
  setofFunctionsContainNulls: false,
  ignoreRBAC: false,
  graphqlRoute: '/graphql',
  retryOnInitFail: false,
});

const server = createServer(middleware);
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(JSON.stringify({ msg: 'postgraphile listening', url: `http://127.0.0.1:${port}/graphql` }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
