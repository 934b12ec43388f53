import { Agent, request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { createTenant, type Tenant } from '../helpers/gql.js';
import { promotedPerCall } from '../helpers/promotion.js';
import { startTestServer } from '../helpers/server.js';

/**
 * A finished request's objects must die in the young generation. Four things once kept every
 * request's objects alive until a full collection, so that each young-generation collection
 * copied and promoted them (docs/architecture.md, "The holders, found" and "The list page and the
 * writes, traced"): the route changing the
 * request's prototype, Apollo's gateway context giving each request an object literal with
 * accessors, functions added to the loaders after they were made, and pg's promise-style queries
 * storing their callback after making the query (src/platform/db/callback-queries.ts).
 *
 * Measured with the collector driven by hand (tests/helpers/promotion.ts): requests one after
 * another, a young-generation collection every 25, and the old generation's growth per request. Before the first
 * three fixes the deal query below grew it by 43 KB a request and the pipeline by 17 KB; after, by
 * 4.5 and 2.9 KB, and the list page by 9.4 KB; with pg's callback path, 1.5, 1.4 and 1.4 KB.
 */
const server = await startTestServer({
  workers: false,
  config: { rateLimits: { queriesPerMinute: 100_000, mutationsPerMinute: 100_000, authMultiplier: 1 } },
});
afterAll(() => server.close());

/**
 * A POST over node:http, not fetch: undici registers each response in a FinalizationRegistry, whose
 * targets young-generation collections keep, and the client shares this process with the server.
 */
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
function post(token: string, query: string, variables: object): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(
      server.url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          const body = JSON.parse(text) as { data?: unknown; errors?: unknown };
          if (body.errors) reject(new Error(JSON.stringify(body.errors)));
          else resolve(body.data);
        });
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ query, variables }));
  });
}
afterAll(() => agent.destroy());

const DEAL =
  'query D($id: ID!) { deal(id: $id) { id title stage contractPrice lead { firstName } property { addressLine } } }';
const PIPELINE = '{ pipeline { stage count } }';
const LIST = 'query P { properties(first: 20) { totalCount edges { node { id addressLine city estimatedValue } } } }';
const BOUND = 3_000;

describe('young garbage', () => {
  let t: Tenant;
  let dealId: string;

  it('sets up twenty properties, and a deal with its lead and property', async () => {
    t = await createTenant(server.url);
    for (let i = 2; i <= 20; i++)
      await t.api.CreateProperty({
        input: { addressLine: `${i} Young Way`, city: 'Austin', state: 'TX', zip: '78701' },
      });
    const { createProperty: p } = await t.api.CreateProperty({
      input: { addressLine: '1 Young Way', city: 'Austin', state: 'TX', zip: '78701' },
    });
    const { createLead: lead } = await t.api.CreateLead({
      input: { firstName: 'Yo', lastName: 'Ung', propertyId: p.id },
    });
    const { createDeal } = await t.api.CreateDeal({ input: { leadId: lead.id, propertyId: p.id, contractPrice: 1 } });
    dealId = createDeal.id;
  });

  it('a finished deal query (loaders) leaves under 3 KB a request in the old generation', async () => {
    expect(await promotedPerCall(400, () => post(t.token, DEAL, { id: dealId }))).toBeLessThan(BOUND);
  });

  it('a finished pipeline query (services, an EntityManager) leaves under 3 KB a request', async () => {
    expect(await promotedPerCall(400, () => post(t.token, PIPELINE, {}))).toBeLessThan(BOUND);
  });

  it('a finished list page (a compiled page statement, 20 rows) leaves under 3 KB a request', async () => {
    expect(await promotedPerCall(400, () => post(t.token, LIST, {}))).toBeLessThan(BOUND);
  });
});
