import { describe, expect, it } from 'vitest';
import { createTenant, type Tenant } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';

const statements: string[] = [];
const server = await startTestServer({
  workers: false,
  // The fixture is ~500 mutations from one user in a few seconds.
  config: { rateLimits: { queriesPerMinute: 100_000, mutationsPerMinute: 100_000, authMultiplier: 1 } },
  orm: {
    onQuery: (sql: string) => {
      statements.push(sql);
      return sql;
    },
  },
});

/** Properties, each with 2 leads (3 activities each) and 1 deal, created through the API. */
async function seed(t: Tenant, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const { createProperty: p } = await t.api.CreateProperty({
      input: { addressLine: `${1000 + i} Loader Lane`, city: 'Austin', state: 'TX', zip: '78745' },
    });
    for (let j = 0; j < 2; j++) {
      const { createLead: lead } = await t.api.CreateLead({
        input: { firstName: `L${i}-${j}`, lastName: 'Loader', propertyId: p.id },
      });
      for (let k = 0; k < 3; k++)
        await t.api.LogActivity({ input: { leadId: lead.id, type: 'NOTE', body: `note ${k}` } });
      if (j === 0) await t.api.CreateDeal({ input: { leadId: lead.id, propertyId: p.id, contractPrice: 100_000 + i } });
    }
  }
}

async function countFor(t: Tenant, first: number): Promise<{ data: number; all: number; rows: number }> {
  statements.length = 0;
  const { properties } = await t.api.PropertiesNested({ first });
  const data = statements.filter((s) => /^\s*(select|insert|update|delete)/i.test(s) && !/set_config/.test(s)).length;
  return { data, all: statements.length, rows: properties.edges.length };
}

interface Activity {
  id: string;
  type: string;
  body: string;
  occurredAt?: string;
}
interface Node {
  id: string;
  addressLine?: string;
  city?: string;
  score?: unknown;
  leads: { id: string; firstName: string; activities: Activity[] }[];
  deals: { id: string; stage: string; contractPrice: number; assignedUser?: unknown }[];
}
interface Answer {
  properties: { totalCount?: number; edges: { cursor: string; node: Node }[] };
  property: { score: unknown };
  deals: { edges: { node: { id: string } }[] };
}

/** A raw GraphQL request (documents the SDK does not have), with the statements it sent. */
async function raw(t: Tenant, query: string, variables: Record<string, unknown> = {}) {
  statements.length = 0;
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${t.token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: Answer; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return { data: body.data!, sql: [...statements] };
}

/** The column list of the one SELECT that reads `table` (['*'] for every column). */
function columnsRead(sql: string[], table: string): string[] {
  const hits = sql.filter((s) => new RegExp(`^select .* from "${table}"`, 'is').test(s) && !/count\(/.test(s));
  expect(hits).toHaveLength(1);
  const list = /^select (.*?) from /is.exec(hits[0]!)![1]!;
  if (/^("\w+"\.)?\*$/.test(list)) return ['*'];
  return [...list.matchAll(/"(\w+)"(?: as "\w+")?(?:,|$)/g)].map((m) => m[1]!).sort();
}

/** The data statements among `sql` (not the tenant's set_config). */
const data = (sql: string[]) =>
  sql.filter((s) => /^\s*(select|insert|update|delete)/i.test(s) && !/set_config/.test(s));

const WIDE = `query Wide($first: Int!) { properties(first: $first, orderBy: { field: CREATED_AT, direction: ASC }) {
  edges { node { ...P leads { id firstName lastName phone status activities { id type body occurredAt } }
  deals { id stage contractPrice assignedUser { id } } } } } }
  fragment P on Property { id addressLine city zip }`;

describe('nested reads through DataLoaders', () => {
  it('cost the same number of SQL statements for 10 and 50 properties', async () => {
    const t = await createTenant(server.url);
    await seed(t, 50);
    const small = await countFor(t, 10);
    const large = await countFor(t, 50);
    expect(small.rows).toBe(10);
    expect(large.rows).toBe(50);
    // page with its total count, leads by property, deals by property, activities by lead
    expect(small.data).toBe(4);
    expect(large.data).toBe(small.data);
    expect(large.all).toBe(small.all);

    const { properties } = await t.api.PropertiesNested({ first: 50 });
    const firstNode = properties.edges[0]!.node;
    expect(firstNode.leads).toHaveLength(2);
    expect(firstNode.leads[0]!.activities).toHaveLength(3);
    expect(firstNode.deals).toHaveLength(1);
  }, 120_000);

  it('read only the columns a selection needs, and answer exactly as with whole rows', async () => {
    const t = await createTenant(server.url);
    await seed(t, 3);
    const narrow = await raw(t, WIDE.replace(/lastName phone status|occurredAt|city zip|assignedUser \{ id \}/g, ''), {
      first: 3,
    });
    // Property: id, address and the order's column; leads: their key; activities: theirs; deals: theirs.
    expect(columnsRead(narrow.sql, 'properties')).toEqual(['address_line', 'created_at', 'id']);
    expect(columnsRead(narrow.sql, 'leads')).toEqual(['first_name', 'id', 'property_id']);
    expect(columnsRead(narrow.sql, 'activities')).toEqual(['body', 'id', 'lead_id', 'type']);
    expect(columnsRead(narrow.sql, 'deals')).toEqual(['contract_price', 'id', 'property_id', 'stage']);

    // Fields in a named fragment, and a field resolver's declared column (assignedUserId), are read.
    const wide = await raw(t, WIDE, { first: 3 });
    expect(columnsRead(wide.sql, 'properties')).toEqual(['address_line', 'city', 'created_at', 'id', 'zip']);
    expect(columnsRead(wide.sql, 'deals')).toContain('assigned_user_id');
    const node = wide.data.properties.edges[0].node;
    expect(node.city).toBe('Austin');
    expect(node.leads[0].activities[0].occurredAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    // The narrow answer is the wide one without the extra fields.
    const strip = (p: Node) => ({
      id: p.id,
      addressLine: p.addressLine,
      leads: p.leads.map((l) => ({
        id: l.id,
        firstName: l.firstName,
        activities: l.activities.map((a) => ({ id: a.id, type: a.type, body: a.body })),
      })),
      deals: p.deals.map((d) => ({ id: d.id, stage: d.stage, contractPrice: d.contractPrice })),
    });
    expect(narrow.data.properties.edges.map((e) => e.node)).toEqual(
      wide.data.properties.edges.map((e) => strip(e.node)),
    );
  }, 60_000);

  it('read whole rows under a field that does not declare what it reads, so it answers as before', async () => {
    const t = await createTenant(server.url);
    await seed(t, 2);
    const listed = await raw(t, '{ properties(first: 2) { edges { node { id score { value modelVersion } } } } }');
    expect(columnsRead(listed.sql, 'properties')).toEqual(['*']);
    for (const { node } of listed.data.properties.edges) {
      const one = await raw(t, 'query($id: ID!) { property(id: $id) { score { value modelVersion } } }', {
        id: node.id,
      });
      expect(one.data.property.score).toEqual(node.score);
    }
    // A root read by id narrows too.
    const { property } = await t.api.Property({ id: listed.data.properties.edges[0].node.id });
    expect(property.addressLine).toMatch(/Loader Lane/);
  }, 60_000);

  it('read a deal with its lead and property in one statement, answering as separate reads do', async () => {
    const t = await createTenant(server.url);
    await seed(t, 2);
    const listed = await raw(t, '{ deals(first: 2) { edges { node { id } } } }');
    const dealQuery = `query($id: ID!) { deal(id: $id) { id title stage contractPrice
      lead { id firstName lastName createdAt property { city } } property { id addressLine zip createdAt } } }`;
    for (const { node } of listed.data.deals.edges) {
      const joined = await raw(t, dealQuery, { id: node.id });
      // The deal, its lead and its property in one statement; the lead's own property is a second.
      expect(data(joined.sql)).toHaveLength(2);
      expect(data(joined.sql)[0]).toMatch(/from "deals" t left join "leads" j0 .* left join "properties" j1/s);
      const deal = (joined.data as unknown as { deal: Record<string, Record<string, unknown>> }).deal;
      // Aliased twice, the relation is not joined (each alias reads its own columns) and answers the same.
      const aliased = await raw(
        t,
        `query($id: ID!) { deal(id: $id) { a: lead { firstName } b: lead { lastName } property { addressLine } } }`,
        { id: node.id },
      );
      expect(data(aliased.sql)).toHaveLength(3);
      expect(aliased.data).toEqual({
        deal: {
          a: { firstName: deal.lead!.firstName },
          b: { lastName: deal.lead!.lastName },
          property: {
            addressLine: deal.property!.addressLine,
          },
        },
      });
      const lead = await raw(
        t,
        'query($id: ID!) { lead(id: $id) { id firstName lastName createdAt property { city } } }',
        {
          id: deal.lead!.id,
        },
      );
      expect(data(lead.sql)).toHaveLength(1); // the lead with its property
      expect((lead.data as unknown as { lead: unknown }).lead).toEqual(deal.lead);
      const property = await raw(t, 'query($id: ID!) { property(id: $id) { id addressLine zip createdAt } }', {
        id: deal.property!.id,
      });
      expect((property.data as unknown as { property: unknown }).property).toEqual(deal.property);
    }
    // Another organization's deal is not found, and its relations are never read into this one's answer.
    const other = await createTenant(server.url);
    const foreign = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${other.token}` },
      body: JSON.stringify({ query: dealQuery, variables: { id: listed.data.deals.edges[0].node.id } }),
    }).then((r) => r.json() as Promise<{ data: unknown; errors: { extensions: { code: string } }[] }>);
    expect(foreign.data).toBeNull();
    expect(foreign.errors[0]!.extensions.code).toBe('NOT_FOUND');
  }, 60_000);

  it('count the total in the page statement, on every page, and not at all when it is not asked for', async () => {
    const t = await createTenant(server.url);
    await seed(t, 3);
    const q = `query($after: String) { properties(first: 2, after: $after) {
      totalCount edges { cursor node { id } } } }`;
    const one = await raw(t, q);
    expect(one.sql.filter((s) => /from "properties"/.test(s))).toHaveLength(1);
    const two = await raw(t, q, { after: one.data.properties.edges[1].cursor });
    const three = await raw(t, q, { after: two.data.properties.edges[0].cursor });
    expect([one, two, three].map((r) => [r.data.properties.edges.length, r.data.properties.totalCount])).toEqual([
      [2, 3],
      [1, 3],
      [0, 3],
    ]);
    const uncounted = await raw(t, '{ properties(first: 2) { edges { node { id } } } }');
    expect(uncounted.sql.filter((s) => /count\(/.test(s))).toEqual([]);
    expect(uncounted.data.properties.edges).toHaveLength(2);
  }, 60_000);
});
