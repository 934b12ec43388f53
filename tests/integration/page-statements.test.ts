import type { FilterQuery } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lead, Property } from '../../entities/index.js';
import { readCompiledPage, readPageWithQueryBuilder, TOTAL, type PageQuery } from '../../entities/page-statement.js';
import { withTenant } from '../../src/platform/tenancy/tenant-em.js';
import { createTenant, type Tenant } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';

const statements: string[] = [];
const server = await startTestServer({
  workers: false,
  config: { rateLimits: { queriesPerMinute: 100_000, mutationsPerMinute: 100_000, authMultiplier: 1 } },
  orm: { onQuery: (sql: string) => (statements.push(sql), sql) },
});
let a: Tenant;
let b: Tenant;
const since = new Date(Date.now() - 60_000);

const TYPES = ['SINGLE_FAMILY', 'CONDO', 'LAND'] as const;
beforeAll(async () => {
  [a, b] = await Promise.all([createTenant(server.url, 'Pages A'), createTenant(server.url, 'Pages B')]);
  for (let i = 0; i < 14; i++) {
    const { createProperty: p } = await a.api.CreateProperty({
      input: {
        addressLine: i === 3 ? `${i} O'Brien 50% Way` : `${100 + i} Page St`,
        city: i % 3 ? 'Austin' : 'Dallas',
        state: 'TX',
        zip: `7870${i % 4}`,
        propertyType: TYPES[i % 3],
        tags: i % 2 ? ['absentee'] : ['vacant', 'probate'],
        ownerOccupied: i % 4 === 0,
        // Ties and missing values in the sort column, for the cursors.
        estimatedValue: i % 5 === 0 ? null : 200_000 + (i % 3) * 1_000,
      },
    });
    if (i % 2) await a.api.CreateLead({ input: { firstName: `Seller ${i}`, lastName: 'Page', propertyId: p.id } });
  }
  if (!(await a.api.Properties({ first: 1 })).properties.totalCount) throw new Error('no fixture');
}, 60_000);
afterAll(() => server.close());

/** Filters as the repositories write them (see PropertyRepository.where), each scoped to `org`. */
function propertyFilters(org: string): Record<string, FilterQuery<object>> {
  const scoped = (...and: object[]) => ({ $and: [and.length ? { $and: and } : {}, { organizationId: org }] });
  return {
    none: scoped(),
    live: scoped({ archivedAt: null }),
    search: scoped(
      { archivedAt: null },
      { $or: [{ addressLine: { $ilike: '%page%' } }, { zip: { $like: '%7870%' } }] },
    ),
    quoted: scoped({ addressLine: { $ilike: "%o'brien 50%" } }),
    cityState: scoped({ city: { $ilike: 'austin' } }, { state: 'TX' }),
    types: scoped({ propertyType: { $in: ['CONDO', 'LAND'] } }),
    oneType: scoped({ propertyType: { $in: ['CONDO'] } }),
    noTypes: scoped({ propertyType: { $in: [] } }),
    owner: scoped({ ownerOccupied: true }),
    created: scoped({ createdAt: { $gte: since } }, { createdAt: { $lt: new Date(Date.now() + 60_000) } }),
    value: scoped({ estimatedValue: { $gte: 200_500 } }),
    tagsAny: scoped({ tags: { $overlap: ['probate'] } }),
  };
}

/** Every page of `q` (3 rows each, cursors from each page's last row) read both ways. */
async function walk(org: string, entity: typeof Property | typeof Lead, base: Omit<PageQuery, 'limit' | 'after'>) {
  return withTenant(server.deps.orm, org, async (em) => {
    const meta = em.getMetadata().find(entity as typeof Property)!;
    const pages: { compiled: unknown; builder: unknown }[] = [];
    let after: [unknown, string] | undefined;
    for (let guard = 0; guard < 20; guard++) {
      const q = { ...base, limit: 4, after };
      const compiled = await readCompiledPage(em, meta, q, 'write');
      const builder = await readPageWithQueryBuilder(em, meta, q, 'write');
      pages.push({ compiled, builder });
      if (builder.length < 4) break;
      const last = builder[2]!;
      after = [last[base.sortProp] ?? null, last.id as string];
    }
    return pages;
  });
}

describe('list pages from compiled statements', () => {
  it('answer every page of every filter shape as the QueryBuilder does, cursors and totals included', async () => {
    const filters = propertyFilters(a.organizationId);
    const orders = [
      { sortProp: 'createdAt', sortColumn: 'created_at', direction: 'asc' as const },
      { sortProp: 'estimatedValue', sortColumn: 'estimated_value', direction: 'desc' as const },
      { sortProp: 'estimatedValue', sortColumn: 'estimated_value', direction: 'asc' as const },
    ];
    const notCompiled: string[] = [];
    let rowsSeen = 0;
    for (const [name, where] of Object.entries(filters))
      for (const order of orders)
        for (const props of [null, ['id', 'addressLine', 'estimatedValue', 'createdAt', 'tags']])
          for (const counted of [true, false]) {
            const pages = await walk(a.organizationId, Property, { where, ...order, props, counted });
            for (const { compiled, builder } of pages) {
              if (compiled === null) notCompiled.push(name);
              else expect(compiled, `${name} ${order.sortProp} ${order.direction}`).toEqual(builder);
              rowsSeen += (builder as unknown[]).length;
            }
          }
    expect(rowsSeen).toBeGreaterThan(1_000);
    // MikroORM binds an array for `&&` as one literal, not the filter's elements: that shape keeps the builder.
    expect([...new Set(notCompiled)]).toEqual(['tagsAny']);
  });

  it('bind the values (a quote, a percent sign) instead of writing them into the SQL, and count them', async () => {
    statements.length = 0;
    const where = propertyFilters(a.organizationId).quoted;
    const rows = await withTenant(server.deps.orm, a.organizationId, async (em) =>
      readCompiledPage(
        em,
        em.getMetadata().find(Property)!,
        {
          where,
          sortProp: 'createdAt',
          sortColumn: 'created_at',
          direction: 'asc',
          props: null,
          counted: true,
          limit: 5,
        },
        'write',
      ),
    );
    expect(rows!.map((r) => r.addressLine)).toEqual(["3 O'Brien 50% Way"]);
    expect(rows![0]![TOTAL]).toBe('1');
    const page = statements.find((s) => /from "properties" as "e"/.test(s))!;
    expect(page).not.toMatch(/brien/i);
    expect(page).toMatch(/\(select count\(\*\) from "properties" as "e" where /);
  });

  it('read nothing of another organization, even when asked for its rows by id', async () => {
    const where = { $and: [{}, { organizationId: a.organizationId }] };
    const order = { sortProp: 'createdAt', sortColumn: 'created_at', direction: 'asc' as const };
    const [pages] = [await walk(b.organizationId, Property, { where, ...order, props: null, counted: true })];
    expect(pages).toEqual([{ compiled: [], builder: [] }]);
    const leads = await walk(a.organizationId, Lead, {
      where: { $and: [{ status: { $in: ['NEW', 'CONTACTED'] } }, { organizationId: a.organizationId }] },
      ...order,
      props: null,
      counted: true,
    });
    expect(leads[0]!.compiled).toEqual(leads[0]!.builder);
    expect((leads[0]!.builder as unknown[]).length).toBe(4);
  });

  it('serve the properties list through the API the same way (filters, order, cursors)', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const { properties: page } = await a.api.Properties({
        first: 5,
        after,
        filter: { city: 'austin', propertyTypes: ['CONDO', 'LAND', 'SINGLE_FAMILY'] },
        orderBy: { field: 'ESTIMATED_VALUE', direction: 'DESC' },
      });
      expect(page.totalCount).toBe(9);
      seen.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor!;
    }
    expect(new Set(seen).size).toBe(9);
  });
});
