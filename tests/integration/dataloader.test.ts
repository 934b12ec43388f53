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

describe('nested reads through DataLoaders', () => {
  it('cost the same number of SQL statements for 10 and 50 properties', async () => {
    const t = await createTenant(server.url);
    await seed(t, 50);
    const small = await countFor(t, 10);
    const large = await countFor(t, 50);
    expect(small.rows).toBe(10);
    expect(large.rows).toBe(50);
    // page, total count, leads by property, deals by property, activities by lead
    expect(small.data).toBe(5);
    expect(large.data).toBe(small.data);
    expect(large.all).toBe(small.all);

    const { properties } = await t.api.PropertiesNested({ first: 50 });
    const firstNode = properties.edges[0]!.node;
    expect(firstNode.leads).toHaveLength(2);
    expect(firstNode.leads[0]!.activities).toHaveLength(3);
    expect(firstNode.deals).toHaveLength(1);
  }, 120_000);
});
