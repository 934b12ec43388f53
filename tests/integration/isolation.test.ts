import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { Lead, Property } from '../../entities/index.js';
import {
  forkAnonymous,
  forkForTenant,
  runAsTenant,
  TENANT_FILTER,
  withTenant,
} from '../../src/platform/tenancy/tenant-em.js';
import { createTenant, gqlError, uniqueAddress, type Tenant } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';
import { subscribe } from '../helpers/ws.js';
import { PipelineEventsDocument, type PipelineEventsSubscription } from '../../client/index.js';
import { print } from 'graphql';

const server = await startTestServer({ workers: false });

async function seedOrg(t: Tenant) {
  const property = (await t.api.CreateProperty({ input: { ...uniqueAddress(), ownerName: 'Secret Owner' } }))
    .createProperty;
  const lead = (
    await t.api.CreateLead({
      input: { firstName: 'Private', lastName: 'Seller', propertyId: property.id, phone: '5125550199' },
    })
  ).createLead;
  const deal = (await t.api.CreateDeal({ input: { leadId: lead.id, propertyId: property.id, offerAmount: 123456 } }))
    .createDeal;
  return { property, lead, deal };
}

describe('organization B against organization A', () => {
  it('cannot read, list, update, move or archive A’s rows: they behave as if they do not exist', async () => {
    const a = await createTenant(server.url, 'Org A');
    const b = await createTenant(server.url, 'Org B');
    const { property, lead, deal } = await seedOrg(a);

    const notFound = [
      () => b.api.Property({ id: property.id }),
      () => b.api.Lead({ id: lead.id }),
      () => b.api.Deal({ id: deal.id }),
      () => b.api.UpdateProperty({ id: property.id, input: { city: 'Hacked' } }),
      () => b.api.ArchiveProperty({ id: property.id }),
      () => b.api.UpdateLead({ id: lead.id, input: { status: 'DEAD' } }),
      () => b.api.UpdateDeal({ id: deal.id, input: { offerAmount: 1 } }),
      () => b.api.MoveDeal({ id: deal.id, stage: 'CLOSED_LOST', note: 'x' }),
      () => b.api.LogActivity({ input: { leadId: lead.id, type: 'NOTE', body: 'x' } }),
      // Using A's ids as references from B's own rows is refused the same way.
      () => b.api.CreateLead({ input: { firstName: 'X', lastName: 'Y', propertyId: property.id } }),
      () => b.api.CreateDeal({ input: { leadId: lead.id, propertyId: property.id } }),
      () => b.api.UpdateUserRole({ userId: a.userId, role: 'VIEWER' }),
    ];
    for (const call of notFound) expect((await gqlError(call())).code).toBe('NOT_FOUND');

    expect((await b.api.Properties({ filter: { search: 'Secret' } })).properties.totalCount).toBe(0);
    expect((await b.api.Leads({})).leads.totalCount).toBe(0);
    expect((await b.api.Deals({})).deals.totalCount).toBe(0);
    expect((await b.api.Pipeline()).pipeline.every((s) => s.count === 0)).toBe(true);
    expect((await b.api.Users()).users.map((u) => u.id)).toEqual([b.userId]);

    // A's data is untouched.
    const { deal: after } = await a.api.Deal({ id: deal.id });
    expect(after).toMatchObject({ stage: 'NEW', offerAmount: 123456 });
    expect((await a.api.Property({ id: property.id })).property.city).toBe('Austin');
  });

  it('does not hear A’s pipeline events', async () => {
    const a = await createTenant(server.url, 'Org A');
    const b = await createTenant(server.url, 'Org B');
    const query = print(PipelineEventsDocument);
    const subA = await subscribe<PipelineEventsSubscription>(server.wsUrl, a.token, query);
    const subB = await subscribe<PipelineEventsSubscription>(server.wsUrl, b.token, query);
    const { deal } = await seedOrg(a);
    await a.api.MoveDeal({ id: deal.id, stage: 'CONTACTED' });
    const types: string[] = [];
    for (let i = 0; i < 4; i++) types.push((await subA.next()).pipelineEvents.type);
    expect(types).toEqual(['PROPERTY_CREATED', 'LEAD_CREATED', 'DEAL_CREATED', 'DEAL_MOVED']);
    expect(await subB.quiet(500)).toBe(true);
    await subA.close();
    await subB.close();
  });
});

describe('row-level security underneath the ORM', () => {
  it('the app role without a tenant setting sees zero rows of any tenant table', async () => {
    const a = await createTenant(server.url);
    await seedOrg(a);
    const client = new pg.Client({ connectionString: server.config.databaseUrl });
    await client.connect();
    try {
      const { rows: who } = await client.query(
        'select current_user, (select rolbypassrls from pg_roles where rolname = current_user) as bypass',
      );
      expect(who[0]).toMatchObject({ current_user: server.config.dbAppRole, bypass: false });
      // Every table that holds organization data, found from the catalog so a new one cannot be missed.
      const { rows: tables } = await client.query<{ table_name: string; rls: boolean }>(
        `select c.table_name, cl.relrowsecurity as rls
           from information_schema.columns c join pg_class cl on cl.relname = c.table_name and cl.relkind = 'r'
          where c.table_schema = 'public' and c.column_name = 'organization_id'
          union select 'organizations', relrowsecurity from pg_class where relname = 'organizations' and relkind = 'r'`,
      );
      expect(tables.map((t) => t.table_name)).toEqual(
        expect.arrayContaining([
          'organizations',
          'leads',
          'campaigns',
          'campaign_recipients',
          'outbound_messages',
          'consent_records',
        ]),
      );
      for (const { table_name: table, rls } of tables) {
        expect(rls, `${table} has row-level security`).toBe(true);
        const { rows } = await client.query(`select count(*)::int as n from ${table}`);
        expect(rows[0].n, table).toBe(0);
      }
      // With another organization's id set, A's rows stay invisible and cannot be written either.
      const b = await createTenant(server.url);
      await client.query("select set_config('app.organization_id', $1, false)", [b.organizationId]);
      const { rows } = await client.query('select count(*)::int as n from properties where organization_id = $1', [
        a.organizationId,
      ]);
      expect(rows[0].n).toBe(0);
      const upd = await client.query("update properties set city = 'Hacked' where organization_id = $1", [
        a.organizationId,
      ]);
      expect(upd.rowCount).toBe(0);
      await expect(
        client.query("insert into organizations (id, name) values (gen_random_uuid(), 'sneaky')"),
      ).rejects.toThrow(/row-level security/);
    } finally {
      await client.end();
    }
  });

  it('with the ORM filter off, a tenant-scoped EntityManager still reads only its own organization', async () => {
    const a = await createTenant(server.url);
    const b = await createTenant(server.url);
    await seedOrg(a);
    await seedOrg(b);
    await withTenant(server.deps.orm, b.organizationId, async (emB) => {
      const all = await emB.find(Property, {}, { filters: { [TENANT_FILTER]: false } });
      expect(all.length).toBeGreaterThan(0);
      expect(all.every((p) => p.organizationId === b.organizationId)).toBe(true);
      const raw = await emB.execute<{ organization_id: string }[]>('select organization_id from leads');
      expect(new Set(raw.map((r) => r.organization_id))).toEqual(new Set([b.organizationId]));
    });
  });

  it('an EntityManager for A used inside B’s scope (or none) reads nothing: both layers must agree', async () => {
    const a = await createTenant(server.url);
    const b = await createTenant(server.url);
    await seedOrg(a);
    const emA = forkForTenant(server.deps.orm, a.organizationId);
    expect(await runAsTenant(b.organizationId, () => emA.find(Property, {}))).toEqual([]);
    expect(await forkForTenant(server.deps.orm, a.organizationId).find(Property, {})).toEqual([]);
    expect(
      await runAsTenant(a.organizationId, () => forkForTenant(server.deps.orm, a.organizationId).find(Property, {})),
    ).toHaveLength(1);
  });

  it('an EntityManager with no organization refuses tenant queries instead of reading everything', async () => {
    const em = forkAnonymous(server.deps.orm);
    await expect(em.find(Lead, {})).rejects.toThrow(/tenant/);
    expect(await em.find(Lead, {}, { filters: { [TENANT_FILTER]: false } })).toEqual([]);
  });
});
