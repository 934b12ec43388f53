import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import DataLoader from 'dataloader';
import { buildSchema, graphql } from 'graphql';
import pg from 'pg';

/**
 * The minimal baseline for the nested-read benchmark: plain graphql-js over node:http and pg with
 * hand-written SQL, batched per request the same way (page, count, leads, deals, activities). No
 * ORM, no auth, no row-level security, no logging: what the same answer costs with nothing else.
 * The organization comes from an `x-org-id` header.
 */
const schema = buildSchema(`
  type Query { properties(first: Int!, orderBy: PropertyOrderBy): PropertyConnection! }
  input PropertyOrderBy { field: PropertyOrderField!, direction: OrderDirection! }
  enum PropertyOrderField { CREATED_AT }
  enum OrderDirection { ASC }
  type PropertyConnection { totalCount: Int!, edges: [PropertyEdge!]! }
  type PropertyEdge { node: Property! }
  type Property { id: ID!, addressLine: String!, leads: [Lead!]!, deals: [Deal!]! }
  type Lead { id: ID!, firstName: String!, activities: [Activity!]! }
  type Activity { id: ID!, type: String!, body: String }
  type Deal { id: ID!, stage: String!, contractPrice: Float }
`);

type Row = Record<string, unknown>;
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });

function grouped(org: string, sql: string, key: string) {
  return new DataLoader<string, Row[]>(async (ids) => {
    const { rows } = await pool.query(sql, [org, ids]);
    const map = new Map<string, Row[]>();
    for (const r of rows) {
      const k = r[key] as string;
      map.set(k, [...(map.get(k) ?? []), r]);
    }
    return ids.map((id) => map.get(id) ?? []);
  });
}

const root = {
  properties: async ({ first }: { first: number }, ctx: ReturnType<typeof loaders>, org: string) => {
    const [page, count] = await Promise.all([
      pool.query(
        'select id, address_line from properties where organization_id = $1 and archived_at is null order by ' +
          'created_at asc, id asc limit $2',
        [org, first],
      ),
      pool.query('select count(*)::int as n from properties where organization_id = $1 and archived_at is null', [org]),
    ]);
    return {
      totalCount: count.rows[0].n,
      edges: page.rows.map((p) => ({
        node: {
          id: p.id,
          addressLine: p.address_line,
          leads: async () =>
            (await ctx.leads.load(p.id)).map((l) => ({
              id: l.id,
              firstName: l.first_name,
              activities: () => ctx.activities.load(l.id as string),
            })),
          deals: async () =>
            (await ctx.deals.load(p.id)).map((d) => ({
              id: d.id,
              stage: d.stage,
              contractPrice: d.contract_price == null ? null : Number(d.contract_price),
            })),
        },
      })),
    };
  },
};

function loaders(org: string) {
  return {
    leads: grouped(
      org,
      'select id, first_name, property_id from leads where organization_id = $1 and property_id = any($2) ' +
        'order by created_at desc, id',
      'property_id',
    ),
    deals: grouped(
      org,
      'select id, stage, contract_price, property_id from deals where organization_id = $1 and property_id = ' +
        'any($2) order by created_at desc, id',
      'property_id',
    ),
    activities: grouped(
      org,
      'select id, type, body, lead_id from activities where organization_id = $1 and lead_id = any($2) order ' +
        'by occurred_at desc, id',
      'lead_id',
    ),
  };
}

const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', async () => {
    const { query, variables } = JSON.parse(body) as { query: string; variables?: Record<string, unknown> };
    const org = String(req.headers['x-org-id']);
    const ctx = loaders(org);
    const result = await graphql({
      schema,
      source: query,
      rootValue: { properties: (args: { first: number }) => root.properties(args, ctx, org) },
      variableValues: variables,
      contextValue: ctx,
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(result));
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(JSON.stringify({ msg: 'baseline listening', url: `http://127.0.0.1:${port}/graphql` }));
});
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
