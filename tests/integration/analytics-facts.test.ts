import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { addMember, createTenant, gqlError, uniqueAddress, waitFor } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';

const server = await startTestServer();

/** The facts as plain SQL over the raw tables computes them — the oracle the triggers must match. */
const RAW = `
  select l.id as lead_id, l.created_at, l.source::text, l.status::text, l.assigned_user_id, l.property_id,
         (select min(a.occurred_at) from activities a
           where a.lead_id = l.id and a.direction = 'OUTBOUND' and a.type <> 'NOTE') as contacted_at,
         (select min(d.created_at) from deals d where d.lead_id = l.id) as deal_at,
         (select min(s.at) from deal_stage_changes s join deals d on d.id = s.deal_id
           where d.lead_id = l.id and s.to_stage::text = any($2)) as appointment_at,
         (select min(s.at) from deal_stage_changes s join deals d on d.id = s.deal_id
           where d.lead_id = l.id and s.to_stage::text = any($3)) as offer_at,
         (select min(s.at) from deal_stage_changes s join deals d on d.id = s.deal_id
           where d.lead_id = l.id and s.to_stage::text = any($4)) as contract_at,
         (select min(s.at) from deal_stage_changes s join deals d on d.id = s.deal_id
           where d.lead_id = l.id and s.to_stage = 'CLOSED_WON') as won_at
    from leads l where l.organization_id = $1`;
const FACTS = `select lead_id, created_at, source::text, status::text, assigned_user_id, property_id, contacted_at,
                      deal_at, appointment_at, offer_at, contract_at, won_at
                 from analytics_lead_facts where organization_id = $1`;
const STAGES = ['NEW', 'CONTACTED', 'APPOINTMENT_SET', 'OFFER_MADE', 'NEGOTIATION', 'UNDER_CONTRACT', 'CLOSED_WON'];
const from = (stage: string) => STAGES.slice(STAGES.indexOf(stage));

/** A small deterministic generator, so a failure can be replayed. */
function rng(seed: number) {
  let x = seed;
  return {
    next: () => (x = (x * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648,
    pick<T>(xs: readonly T[]): T {
      return xs[Math.floor(this.next() * xs.length)]!;
    },
  };
}

describe('analytics facts', () => {
  it('stay equal to the raw rows through 150 random mutations and an import; rebuild finds no drift', async () => {
    const t = await createTenant(server.url);
    const mate = await addMember(server.url, t, 'AGENT');
    const r = rng(20261203);
    const leads: string[] = [];
    const deals: { id: string; leadId: string }[] = [];
    const sources = ['DIRECT_MAIL', 'PPC', 'SMS', 'COLD_CALL'] as const;
    for (let i = 0; i < 150; i++) {
      const op = leads.length < 5 ? 0 : Math.floor(r.next() * 7);
      if (op === 0) {
        const { createProperty } = await t.api.CreateProperty({ input: uniqueAddress() });
        const { createLead } = await t.api.CreateLead({
          input: { firstName: 'F', lastName: `L${i}`, source: r.pick(sources), propertyId: createProperty.id },
        });
        leads.push(createLead.id);
      } else if (op === 1 || op === 2) {
        const backdated = r.next() < 0.3 ? new Date(Date.now() - Math.floor(r.next() * 30) * 86_400_000) : undefined;
        await t.api.LogActivity({
          input: {
            leadId: r.pick(leads),
            type: r.pick(['CALL', 'SMS', 'NOTE', 'EMAIL'] as const),
            direction: r.pick(['OUTBOUND', 'INBOUND'] as const),
            occurredAt: backdated?.toISOString(),
          },
        });
      } else if (op === 3) {
        const leadId = r.pick(leads);
        const { lead } = await t.api.Lead({ id: leadId });
        const { createDeal } = await t.api.CreateDeal({ input: { leadId, propertyId: lead.property!.id } });
        deals.push({ id: createDeal.id, leadId });
      } else if (op === 4 && deals.length) {
        const stage = r.pick([...STAGES.slice(1), 'CLOSED_LOST']); // forwards, backwards, lost
        await t.api.MoveDeal({ id: r.pick(deals).id, stage: stage as never, note: 'moved' }).catch(() => undefined);
      } else if (op === 5) {
        await t.api.UpdateLead({
          id: r.pick(leads),
          input: {
            status: r.pick(['NEW', 'CONTACTED', 'QUALIFIED', 'DEAD'] as const),
            source: r.pick(sources),
            assignedUserId: r.pick([t.userId, mate.userId]),
          },
        });
      }
    }
    const { importLeads } = await t.api.ImportLeads({
      input: { csv: 'First Name,Last Name,Phone\nAnn,Import,+15125550301\nBob,Import,+15125550302\n' },
    });
    await waitFor(async () =>
      (await t.api.Import({ id: importLeads.id })).import.status === 'COMPLETED' ? true : null,
    );

    const db = new pg.Client({ connectionString: server.config.databaseOwnerUrl });
    await db.connect();
    try {
      const params = [t.organizationId, from('APPOINTMENT_SET'), from('OFFER_MADE'), from('UNDER_CONTRACT')];
      const raw = (await db.query(RAW, params)).rows;
      const facts = (await db.query(FACTS, [t.organizationId])).rows;
      const key = (x: Record<string, unknown>) => JSON.stringify(x);
      expect(facts.map(key).sort()).toEqual(raw.map(key).sort());
      expect(raw.length).toBe(leads.length + 2);
      expect(raw.filter((x) => x.contacted_at).length).toBeGreaterThan(3); // the sequence did real work
      expect(raw.filter((x) => x.appointment_at).length).toBeGreaterThan(0);
      // Stage visits: each entry into a stage, left at the deal's next move.
      const visits = `select s.id, d.lead_id, s.to_stage::text as stage, s.at as entered_at,
                             lead(s.at) over (partition by s.deal_id order by s.at, s.id) as left_at
                        from deal_stage_changes s join deals d on d.id = s.deal_id where d.organization_id = $1`;
      const stored = `select id, lead_id, stage::text, entered_at, left_at from analytics_stage_visits
                       where organization_id = $1`;
      const rawVisits = (await db.query(visits, [t.organizationId])).rows;
      expect((await db.query(stored, [t.organizationId])).rows.map(key).sort()).toEqual(rawVisits.map(key).sort());
      expect(rawVisits.filter((x) => x.left_at).length).toBeGreaterThan(0);
      // A lead given another creation time carries it to its deals' facts (velocity reads it there), as
      // a change of deals; every deal's facts hold its lead's creation time.
      const dealChanges = async () =>
        Number(
          (
            await db.query(
              `select coalesce(sum(weight), 0) as n from analytics_changes
                where organization_id = $1 and kind = 'deals'`,
              [t.organizationId],
            )
          ).rows[0].n,
        );
      const changesBefore = await dealChanges();
      await db.query(`update leads set created_at = created_at - interval '10 days' where id = $1`, [deals[0]!.leadId]);
      expect(await dealChanges()).toBeGreaterThan(changesBefore);
      const stale = await db.query(
        `select df.deal_id from analytics_deal_facts df join leads l on l.id = df.lead_id
          where df.organization_id = $1 and df.lead_created_at is distinct from l.created_at`,
        [t.organizationId],
      );
      expect(stale.rows).toEqual([]);
    } finally {
      await db.end();
    }
    expect((await t.api.RebuildAnalytics()).rebuildAnalytics).toEqual({ leads: leads.length + 2, drifted: 0 });
    expect((await gqlError(mate.api.RebuildAnalytics())).code).toBe('FORBIDDEN');
  });

  it("a move writes its new visit and the previous visit's end; older visits and unchanged facts stay", async () => {
    const t = await createTenant(server.url);
    const { createProperty } = await t.api.CreateProperty({ input: uniqueAddress() });
    const { createLead } = await t.api.CreateLead({
      input: { firstName: 'Hist', lastName: 'Ory', source: 'PPC', propertyId: createProperty.id },
    });
    const { createDeal } = await t.api.CreateDeal({ input: { leadId: createLead.id, propertyId: createProperty.id } });
    const id = createDeal.id;
    for (const stage of ['CONTACTED', 'APPOINTMENT_SET', 'OFFER_MADE', 'NEGOTIATION', 'OFFER_MADE'] as const)
      await t.api.MoveDeal({ id, stage });
    const db = new pg.Client({ connectionString: server.config.databaseOwnerUrl });
    await db.connect();
    try {
      // xmin: the transaction that wrote each row's current version.
      const versions = async () =>
        (
          await db.query<{ id: string; xmin: string; left_at: Date | null }>(
            `select id, xmin::text, left_at from analytics_stage_visits where deal_id = $1 order by entered_at, id`,
            [id],
          )
        ).rows;
      const factsVersion = async () =>
        (await db.query(`select xmin::text, stage::text from analytics_deal_facts where deal_id = $1`, [id])).rows[0];
      const before = await versions();
      expect(before).toHaveLength(6);
      expect(before.at(-1)!.left_at).toBeNull();

      await t.api.MoveDeal({ id, stage: 'UNDER_CONTRACT' });
      const after = await versions();
      expect(after).toHaveLength(7);
      expect(after.slice(0, 5)).toEqual(before.slice(0, 5)); // the same row versions: not rewritten
      expect(after[5]!.id).toBe(before[5]!.id);
      expect(after[5]!.xmin).not.toBe(before[5]!.xmin);
      expect(after[5]!.left_at).not.toBeNull();
      expect(after[6]!.left_at).toBeNull();
      expect(await factsVersion()).toMatchObject({ stage: 'UNDER_CONTRACT' });

      // Refreshing a deal whose analytics are current writes nothing.
      const facts = await factsVersion();
      await db.query('select analytics_refresh_deals(array[$1::uuid])', [id]);
      expect(await versions()).toEqual(after);
      expect(await factsVersion()).toEqual(facts);

      // A visit that drifted (or went missing) is written again, and only it.
      await db.query(`update analytics_stage_visits set left_at = null where id = $1`, [after[2]!.id]);
      await db.query(`delete from analytics_stage_visits where id = $1`, [after[4]!.id]);
      await db.query('select analytics_refresh_deals(array[$1::uuid])', [id]);
      const repaired = await versions();
      expect(repaired.map((v) => [v.id, v.left_at])).toEqual(after.map((v) => [v.id, v.left_at]));
      expect(repaired.filter((v, i) => v.xmin !== after[i]!.xmin).map((v) => v.id)).toEqual([
        after[2]!.id,
        after[4]!.id,
      ]);
    } finally {
      await db.end();
    }
  });
});
