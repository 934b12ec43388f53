import { DriverException } from '@mikro-orm/core';
import { describe, expect, it } from 'vitest';
import { executePrepared } from '../../src/platform/db/prepared.js';
import { runAsTenant } from '../../src/platform/tenancy/tenant-context.js';
import { createTenant, gqlError, uniqueAddress, type Tenant } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';

// One pooled connection: every request of both organizations runs on it, so a statement prepared
// while serving one organization is the statement the other one executes next.
const server = await startTestServer({ workers: false, config: { dbPoolMax: 1 } });

async function dealOf(t: Tenant, street: string): Promise<string> {
  const { createProperty: p } = await t.api.CreateProperty({ input: { ...uniqueAddress(), addressLine: street } });
  const { createLead: l } = await t.api.CreateLead({
    input: { firstName: street, lastName: 'Owner', propertyId: p.id },
  });
  const { createDeal: d } = await t.api.CreateDeal({ input: { leadId: l.id, propertyId: p.id, title: street } });
  return d.id;
}

/** The mixed benchmark's `deal` read: the deal with its lead and property, one statement. */
async function readDeal(
  t: Tenant,
  id: string,
): Promise<{ data?: { deal: unknown }; errors?: { extensions: { code: string } }[] }> {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${t.token}` },
    body: JSON.stringify({
      query: 'query D($id: ID!) { deal(id: $id) { id title lead { firstName } property { addressLine } } }',
      variables: { id },
    }),
  });
  return (await res.json()) as never;
}

/** The named statements of the one pooled connection, with how often each was run on a generic plan. */
function preparedStatements(org: string) {
  const em = server.deps.orm.em.fork();
  return runAsTenant(org, () =>
    executePrepared<{ name: string; statement: string; generic_plans: string; custom_plans: string }>(
      em,
      "select name, statement, generic_plans, custom_plans from pg_prepared_statements where name like 'reos\\_%'",
      [],
    ),
  );
}

describe('named prepared statements on the hot paths', () => {
  it('are prepared once per connection, run on one generic plan, and stay within each organization', async () => {
    const [a, b] = [await createTenant(server.url), await createTenant(server.url)];
    const [dealA, dealB] = [await dealOf(a, '1 Alpha Way'), await dealOf(b, '2 Beta Road')];
    for (let i = 0; i < 8; i++) {
      expect((await readDeal(a, dealA)).data?.deal).toMatchObject({ id: dealA, lead: { firstName: '1 Alpha Way' } });
      expect((await readDeal(b, dealB)).data?.deal).toEqual({
        id: dealB,
        title: '2 Beta Road',
        lead: { firstName: '2 Beta Road' },
        property: { addressLine: '2 Beta Road' },
      });
      // The same prepared statement, with A's deal id, from B: bound to B's organization, under B's row-level security.
      expect((await readDeal(b, dealA)).errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    }
    expect((await gqlError(b.api.MoveDeal({ id: dealA, stage: 'CONTACTED' }))).code).toBe('NOT_FOUND');
    expect((await a.api.Deal({ id: dealA })).deal.stage).toBe('NEW');

    const rows = await preparedStatements(b.organizationId);
    const deal = rows.find((r) => /from "deals" t left join "leads"/.test(r.statement));
    expect(deal, rows.map((r) => r.statement).join('\n')).toBeTruthy();
    expect(deal!.statement).toMatch(/t\."organization_id" = \$1 and t\."id" = any\(\$2::uuid\[\]\)/);
    expect(Number(deal!.generic_plans)).toBeGreaterThanOrEqual(24);
    expect(Number(deal!.custom_plans)).toBe(0);
  });

  it("runs in the EntityManager's transaction and raises the ORM's exceptions", async () => {
    const t = await createTenant(server.url);
    const id = await dealOf(t, '3 Gamma Court');
    const em = server.deps.orm.em.fork();
    const rename = (title: string) =>
      runAsTenant(t.organizationId, () =>
        em.transactional(async (tx) => {
          const rows = await executePrepared<{ title: string }>(
            tx,
            'update deals set title = ? where id = ? and organization_id = ? returning title',
            [title, id, t.organizationId],
          );
          expect(rows).toEqual([{ title }]);
          throw new Error('undo');
        }),
      );
    await expect(rename('Renamed in a rolled back transaction')).rejects.toThrow('undo');
    expect((await t.api.Deal({ id })).deal.title).toBe('3 Gamma Court');

    const bad = runAsTenant(t.organizationId, () => executePrepared(em, 'select ?::uuid as id', ['not-a-uuid']));
    await expect(bad).rejects.toBeInstanceOf(DriverException);
  });
});
