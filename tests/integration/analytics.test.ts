import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { resolveRange } from '../../src/domains/analytics/range.js';
import { AnalyticsOracle } from '../helpers/analytics-oracle.js';
import { addMember, createTenant, gqlError, uniqueAddress, type Tenant } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';

const server = await startTestServer({ workers: false });
const TZ = 'America/New_York';
/** A statement as the database owner (what the analytics job runs, without waiting for it). */
async function pgOwner(sql: string, params: unknown[]) {
  const db = new pg.Client({ connectionString: server.config.databaseOwnerUrl });
  await db.connect();
  try {
    await db.query(sql, params);
  } finally {
    await db.end();
  }
}
const day = (offset = 0) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date(Date.now() + offset * 86_400_000));

/** A lead with a property, and optionally a deal moved through `stages`. */
async function lead(t: Tenant, source: string, opts: { contact?: boolean; stages?: string[]; assignee?: string } = {}) {
  const { createProperty } = await t.api.CreateProperty({ input: uniqueAddress() });
  const { createLead } = await t.api.CreateLead({
    input: {
      firstName: 'A',
      lastName: randomUUID().slice(0, 6),
      source: source as never,
      propertyId: createProperty.id,
      assignedUserId: opts.assignee,
    },
  });
  if (opts.contact) await t.api.LogActivity({ input: { leadId: createLead.id, type: 'CALL', outcome: 'talked' } });
  let dealId: string | null = null;
  if (opts.stages) {
    const { createDeal } = await t.api.CreateDeal({ input: { leadId: createLead.id, propertyId: createProperty.id } });
    dealId = createDeal.id;
    for (const stage of opts.stages)
      await t.api.MoveDeal({ id: dealId, stage: stage as never, note: stage === 'CLOSED_LOST' ? 'Listed' : null });
  }
  return { leadId: createLead.id, dealId };
}

describe('analytics', () => {
  it('funnel, source ROI, stage durations and revenue equal what the organization did', async () => {
    const t = await createTenant(server.url);
    const mate = await addMember(server.url, t, 'AGENT');
    await t.api.SetOrganizationTimeZone({ timeZone: TZ });
    const won = await lead(t, 'DIRECT_MAIL', {
      contact: true,
      stages: ['CONTACTED', 'APPOINTMENT_SET', 'OFFER_MADE', 'UNDER_CONTRACT'],
    });
    await t.api.UpdateDeal({ id: won.dealId!, input: { assignmentFee: 12_000, assignedUserId: t.userId } });
    await t.api.MoveDeal({ id: won.dealId!, stage: 'CLOSED_WON' });
    await lead(t, 'DIRECT_MAIL', { contact: true, stages: ['APPOINTMENT_SET', 'CLOSED_LOST'] });
    const qualified = await lead(t, 'PPC');
    await t.api.UpdateLead({ id: qualified.leadId, input: { status: 'QUALIFIED' } });
    await lead(t, 'PPC');
    await lead(t, 'COLD_CALL', { assignee: mate.userId });
    // 1,000 over ten days, five of them in the last seven; 300 over exactly the last seven.
    await t.api.RecordMarketingSpend({
      input: { source: 'DIRECT_MAIL', label: 'Mail drop', amount: 1_000, periodStart: day(-4), periodEnd: day(5) },
    });
    await t.api.RecordMarketingSpend({
      input: { source: 'PPC', label: 'Ads', amount: 300, periodStart: day(-6), periodEnd: day(0) },
    });

    const { analytics } = await t.api.Analytics({ range: { preset: 'LAST_7_DAYS' }, bucket: 'DAY' });
    expect(analytics.range).toEqual({ from: day(-6), to: day(0), timeZone: TZ });
    expect(analytics.funnel.map((f) => [f.step, f.count])).toEqual([
      ['CREATED', 5],
      ['CONTACTED', 3], // two calls, and the qualified lead counts as past contact
      ['QUALIFIED', 3],
      ['DEAL', 2],
      ['OFFER_MADE', 1],
      ['UNDER_CONTRACT', 1],
      ['CLOSED_WON', 1],
    ]);
    expect(analytics.funnel[1]).toMatchObject({ stepConversion: 0.6, overallConversion: 0.6 });
    expect(analytics.funnel[4]).toMatchObject({ stepConversion: 0.5, overallConversion: 0.2 });
    expect(analytics.funnel[1]!.medianDaysFromPrevious).toBeGreaterThanOrEqual(0);

    expect(analytics.sourceRoi).toEqual([
      {
        source: 'COLD_CALL',
        spend: 0,
        leads: 1,
        costPerLead: 0,
        appointments: 0,
        costPerAppointment: null,
        contracts: 0,
        closedDeals: 0,
        costPerDeal: null,
        revenue: 0,
        roi: null,
      },
      {
        source: 'DIRECT_MAIL',
        spend: 500,
        leads: 2,
        costPerLead: 250,
        appointments: 2,
        costPerAppointment: 250,
        contracts: 1,
        closedDeals: 1,
        costPerDeal: 500,
        revenue: 12_000,
        roi: 23,
      },
      {
        source: 'PPC',
        spend: 300,
        leads: 2,
        costPerLead: 150,
        appointments: 0,
        costPerAppointment: null,
        contracts: 0,
        closedDeals: 0,
        costPerDeal: null,
        revenue: 0,
        roi: -1,
      },
    ]);

    const stage = (s: string) => analytics.stageDurations.find((x) => x.stage === s)!;
    expect(stage('NEW')).toMatchObject({ entered: 2, stillThere: 0 });
    expect(stage('APPOINTMENT_SET')).toMatchObject({ entered: 2, stillThere: 0 });
    expect(stage('CLOSED_WON')).toMatchObject({ entered: 1, stillThere: 1, medianDays: null });
    expect(stage('CLOSED_LOST')).toMatchObject({ entered: 1, stillThere: 1 });
    expect(stage('NEW').medianDays).toBeGreaterThanOrEqual(0);
    expect(stage('NEW').medianDays).toBeLessThan(0.01);

    expect(analytics.revenue).toMatchObject({
      bucket: 'DAY',
      closedWon: 1,
      revenue: 12_000,
      byBasis: [
        { basis: 'ASSIGNMENT_FEE', deals: 1 },
        { basis: 'CONTRACT_MINUS_UNDERWRITING', deals: 0 },
        { basis: 'UNKNOWN', deals: 0 },
      ],
    });
    expect(analytics.revenue.series.map((p) => p.start)).toEqual([-6, -5, -4, -3, -2, -1, 0].map((d) => day(d)));
    expect(analytics.revenue.series.at(-1)).toEqual({ start: day(0), closedWon: 1, revenue: 12_000 });

    expect(analytics.velocity).toMatchObject({ contracts: 1, closed: 1 });
    expect(analytics.velocity.medianDaysLeadToClose).toBeLessThan(0.01);
    expect(analytics.velocity.closedPerWeek.reduce((n, w) => n + w.closed, 0)).toBe(1);
    const owner = analytics.team.find((m) => m.userId === t.userId)!;
    expect(owner).toMatchObject({
      user: { name: 'Olive Owner' },
      leadsAssigned: 0,
      activitiesByType: [{ type: 'CALL', count: 2 }],
      dealsMoved: 7, // five moves of the won deal, two of the lost one
      contracts: 1,
      closedRevenue: 12_000,
    });
    expect(analytics.team.find((m) => m.userId === mate.userId)).toMatchObject({
      leadsAssigned: 1,
      medianFirstResponseMinutes: null,
    });
    expect(analytics.campaignPerformance).toEqual([]);
    // An agent's team section holds only their own row.
    const mine = (await mate.api.Analytics({ range: { preset: 'LAST_7_DAYS' } })).analytics.team;
    expect(mine.map((m) => m.userId)).toEqual([mate.userId]);

    // A deal left in NEW for longer than every NEW visit so far lasted; the forecast weighs it.
    const stuck = await lead(t, 'SEO', { stages: [] });
    await t.api.UpdateDeal({ id: stuck.dealId!, input: { offerAmount: 100_000 } });
    await new Promise((r) => setTimeout(r, 1_000));
    const extras = (
      await t.api.AnalyticsExtras({ range: { preset: 'LAST_7_DAYS' }, by: 'SOURCE', stage: 'NEW', percentile: 90 })
    ).analytics;
    expect(extras.funnelBy.map((g) => [g.key, g.steps.map((x) => x.count)])).toEqual([
      ['COLD_CALL', [1, 0, 0, 0, 0, 0, 0]],
      ['DIRECT_MAIL', [2, 2, 2, 2, 1, 1, 1]],
      ['PPC', [2, 1, 1, 0, 0, 0, 0]],
      ['SEO', [1, 1, 1, 1, 0, 0, 0]],
    ]);
    expect(extras.stuckDeals.deals).toEqual([{ id: stuck.dealId, stage: 'NEW' }]);
    expect(extras.stuckDeals.thresholdDays).toBeLessThan(0.01);
    const newStage = extras.forecast.stages.find((x) => x.stage === 'NEW')!;
    // History: both closed deals passed through NEW, one was won: (1 + 20 × 0.05) / (2 + 20).
    expect(newStage).toEqual({
      stage: 'NEW',
      openDeals: 1,
      value: 100_000,
      historicalClosed: 2,
      historicalWon: 1,
      closeRate: 0.0909,
      expectedValue: 9_090.91,
    });
    expect(extras.forecast.byMonth).toEqual([{ month: null, deals: 1, expectedValue: 9_090.91 }]);
    expect(
      (await gqlError(t.api.AnalyticsExtras({ range: { preset: 'ALL_TIME' }, by: 'AGENT', stage: 'CLOSED_WON' }))).code,
    ).toBe('BAD_USER_INPUT');

    // Filters: the teammate's leads only; a source; a range before anything happened.
    const theirs = await t.api.Funnel({ range: { preset: 'LAST_7_DAYS' }, filter: { assignedUserIds: [mate.userId] } });
    expect(theirs.analytics.funnel[0]).toEqual({ step: 'CREATED', count: 1 });
    const mail = await t.api.Funnel({ range: { preset: 'THIS_YEAR' }, filter: { sources: ['DIRECT_MAIL'] } });
    expect(mail.analytics.funnel.map((f) => f.count)).toEqual([2, 2, 2, 2, 1, 1, 1]);
    const before = await t.api.Funnel({ range: { from: '2020-01-01', to: '2020-12-31' } });
    expect(before.analytics.funnel[0]!.count).toBe(0);

    // Series: every metric sums to what happened this week (six leads by now, the SEO one included).
    const total = async (metric: string, filter = {}) => {
      const { analytics: a } = await t.api.Series({
        range: { preset: 'LAST_7_DAYS' },
        filter,
        metric: metric as never,
        bucket: 'DAY',
      });
      expect(a.series.map((p) => p.start)).toEqual([-6, -5, -4, -3, -2, -1, 0].map((d) => day(d)));
      return Math.round(a.series.reduce((cents, p) => cents + p.value * 100, 0)) / 100; // values are whole cents
    };
    expect(await total('LEADS_CREATED')).toBe(6);
    expect(await total('LEADS_CONTACTED')).toBe(2);
    expect(await total('ACTIVITIES')).toBe(2);
    expect(await total('DEALS_CREATED')).toBe(3);
    expect(await total('APPOINTMENTS')).toBe(2);
    expect(await total('OFFERS')).toBe(1);
    expect(await total('CONTRACTS')).toBe(1);
    expect(await total('CLOSED_WON')).toBe(1);
    expect(await total('REVENUE')).toBe(12_000);
    expect(await total('SPEND')).toBe(800); // exact: each spend is split into whole cents per day
    expect(await total('SPEND', { sources: ['PPC'] })).toBe(300);
    expect(await total('LEADS_CREATED', { sources: ['PPC'] })).toBe(2);

    // pipeline with a range and filter: deals created this week of DIRECT_MAIL leads.
    const { pipeline } = await t.api.PipelineIn({
      range: { preset: 'LAST_7_DAYS' },
      filter: { sources: ['DIRECT_MAIL'] },
    });
    expect(pipeline.filter((x) => x.count).map((x) => [x.stage, x.count])).toEqual([
      ['CLOSED_WON', 1],
      ['CLOSED_LOST', 1],
    ]);
    expect((await t.api.PipelineIn({})).pipeline.find((x) => x.stage === 'NEW')!.count).toBe(1);
  });

  it('spend is validated and per organization; bad ranges and foreign ids are BAD_USER_INPUT', async () => {
    const t = await createTenant(server.url);
    const other = await createTenant(server.url);
    const agent = await addMember(server.url, t, 'AGENT');
    await t.api.SetOrganizationTimeZone({ timeZone: TZ }); // day() is in TZ
    const { recordMarketingSpend: spend } = await t.api.RecordMarketingSpend({
      input: { source: 'PPC', label: 'Ads', amount: 99.999, periodStart: day(-3), periodEnd: day(0) },
    });
    expect(spend.amount).toBe(100);
    const { createCampaign } = await other.api.CreateCampaign({
      input: {
        name: 'Theirs',
        channel: 'EMAIL',
        templateId: (
          await other.api.CreateTemplate({ input: { name: 'T', channel: 'EMAIL', subject: 'S', body: 'B' } })
        ).createTemplate.id,
        audience: {},
      },
    });
    const base = { source: 'PPC' as const, label: 'x', amount: 10, periodStart: day(-1), periodEnd: day(0) };
    const refused: [() => Promise<unknown>, string][] = [
      [() => t.api.RecordMarketingSpend({ input: { ...base, amount: -5 } }), 'input.amount'],
      [() => t.api.RecordMarketingSpend({ input: { ...base, amount: 2e9 } }), 'input.amount'],
      [
        () => t.api.RecordMarketingSpend({ input: { ...base, periodStart: day(1), periodEnd: day(0) } }),
        'input.periodEnd',
      ],
      [() => t.api.RecordMarketingSpend({ input: { ...base, campaignId: createCampaign.id } }), 'input.campaignId'],
      [() => t.api.Funnel({ range: { from: '2026-02-01', to: '2026-01-01' } }), 'range.from'],
      [() => t.api.Funnel({ range: { from: '2001-01-01', to: '2026-01-01' } }), 'range.to'],
      [() => t.api.Funnel({ range: { preset: 'THIS_MONTH', from: '2026-01-01' } }), 'range.preset'],
      [
        () => t.api.Funnel({ range: { preset: 'ALL_TIME' }, filter: { assignedUserIds: [other.userId] } }),
        'filter.assignedUserIds',
      ],
      [
        () => t.api.Funnel({ range: { preset: 'ALL_TIME' }, filter: { campaignIds: [createCampaign.id] } }),
        'filter.campaignIds',
      ],
    ];
    for (const [call, field] of refused) {
      const e = await gqlError(call());
      expect([e.code, e.extensions.field]).toEqual(['BAD_USER_INPUT', field]);
    }
    const listed = await t.api.MarketingSpend({ range: { preset: 'LAST_30_DAYS' } });
    expect(listed.marketingSpend.map((s) => s.id)).toEqual([spend.id]); // nothing else was written
    expect((await other.api.MarketingSpend({ range: { preset: 'LAST_30_DAYS' } })).marketingSpend).toEqual([]);
    expect((await gqlError(other.api.DeleteMarketingSpend({ id: spend.id }))).code).toBe('NOT_FOUND');
    expect((await gqlError(agent.api.RecordMarketingSpend({ input: base }))).code).toBe('FORBIDDEN');
    const { updateMarketingSpend } = await t.api.UpdateMarketingSpend({ id: spend.id, input: { amount: 250 } });
    expect(updateMarketingSpend).toMatchObject({ amount: 250, label: 'Ads' });
    const roi = async () =>
      (await t.api.Analytics({ range: { preset: 'LAST_7_DAYS' } })).analytics.sourceRoi.find((r) => r.source === 'PPC');
    expect((await roi())!.spend).toBe(250);
    expect((await t.api.DeleteMarketingSpend({ id: spend.id })).deleteMarketingSpend).toBe(true);
    expect(await roi()).toBeUndefined();
    expect((await agent.api.Analytics({ range: { preset: 'ALL_TIME' } })).analytics.funnel[0]!.count).toBe(0);
  });
});

describe('analytics answers cache', () => {
  const statements = async () => {
    const text = await (await fetch(server.url.replace('/graphql', '/metrics'))).text();
    return Number(/^db_statements_total (\d+)/m.exec(text)![1]);
  };

  it('answers a repeated dashboard from memory and never serves it after a change', async () => {
    const t = await createTenant(server.url);
    const { leadId } = await lead(t, 'PPC', { contact: true });
    const ask = async () => (await t.api.Dashboard({ range: { preset: 'LAST_7_DAYS' } })).analytics;
    const first = await ask();
    const before = await statements();
    expect(await ask()).toEqual(first);
    // The repeat reads the organization, its version and its first lead date, and no section
    // (the stuck deals' threshold is cached; with none, no deal is looked up).
    expect((await statements()) - before).toBeLessThanOrEqual(3);
    const calls = (d: typeof first) =>
      d.team.flatMap((m) => m.activitiesByType).find((a) => a.type === 'CALL')?.count ?? 0;
    expect(calls(first)).toBe(1);
    await t.api.LogActivity({ input: { leadId, type: 'CALL', outcome: 'again' } });
    expect(calls(await ask())).toBe(2);
    await t.api.UpdateLead({ id: leadId, input: { source: 'SEO' } });
    expect((await ask()).sourceRoi.map((r) => r.source)).toEqual(['SEO']);
    // Another organization's change does not touch this one's version, nor its answers.
    const other = await createTenant(server.url);
    await lead(other, 'PPC', { contact: true });
    const again = await statements();
    expect((await ask()).sourceRoi.map((r) => r.source)).toEqual(['SEO']);
    expect((await statements()) - again).toBeLessThanOrEqual(3);
  });

  it('recomputes only what a change moves: a repeat call the activity counts, a first contact the funnel', async () => {
    const t = await createTenant(server.url);
    const { leadId } = await lead(t, 'PPC', { contact: true, stages: ['APPOINTMENT_SET'] });
    const computed = async (selection: string) => {
      const before = server.deps.analyticsCache.misses;
      const res = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${t.token}` },
        body: JSON.stringify({ query: `{ analytics(range: { preset: LAST_7_DAYS }) { ${selection} } }` }),
      });
      const { data } = (await res.json()) as { data: { analytics: Record<string, never> } };
      return { answer: data.analytics, computed: server.deps.analyticsCache.misses - before };
    };
    const dashboard =
      'sourceRoi { source appointments } velocity { contracts } funnel { step count } ' +
      'team { userId activitiesByType { type count } medianFirstResponseMinutes } ' +
      'calls: series(metric: ACTIVITIES, bucket: DAY) { value } ' +
      'contacted: series(metric: LEADS_CONTACTED, bucket: DAY) { value }';
    const total = (points: { value: number }[]) => points.reduce((n, p) => n + p.value, 0);
    // sourceRoi (with its lead outcomes and their part before today), velocity, funnel (and its part
    // before today), five team parts (the leads with their part before today), two series.
    expect((await computed(dashboard)).computed).toBe(14);

    // A repeat call to a contacted lead (which also touches its last-contact columns) moves only the
    // activity counts: the team's and the series'.
    await t.api.LogActivity({ input: { leadId, type: 'CALL', outcome: 'again' } });
    const repeat = await computed(dashboard);
    expect(repeat.computed).toBe(2);
    expect(total(repeat.answer.calls)).toBe(2);

    // Folding the activity deltas into the rollup changes no answer, and no version.
    await pgOwner(`select analytics_compact($1)`, [t.organizationId]);
    expect((await computed(dashboard)).computed).toBe(0);

    // A new lead (and its property) moves what counts leads: source ROI (and its lead outcomes), the
    // funnel, the team's leads and the contacted series, each with its part about the leads created
    // before today kept — not velocity, deal durations, revenue, activity counts or deal moves (this
    // dashboard filters nothing). Its first contact moves the funnel and first-response times, and the
    // answers show it.
    const fresh = await lead(t, 'PPC');
    expect((await computed(dashboard)).computed).toBe(5);
    await t.api.LogActivity({ input: { leadId: fresh.leadId, type: 'CALL', outcome: 'first' } });
    const first = await computed(dashboard);
    expect(first.computed).toBe(5);
    expect((first.answer.funnel as { step: string; count: number }[]).find((s) => s.step === 'CONTACTED')!.count).toBe(
      2,
    );
    expect(total(first.answer.contacted)).toBe(2);

    // A new source for the lead moves ROI (and its lead outcomes), not velocity; the answer shows it.
    await t.api.UpdateLead({ id: leadId, input: { source: 'SEO' } });
    const after = await computed('sourceRoi { source appointments } velocity { contracts }');
    expect(after.computed).toBe(2);
    expect((after.answer.sourceRoi as { source: string }[]).map((r) => r.source)).toEqual(['PPC', 'SEO']);
  });

  it('keeps its answer about the leads created before today when leads come in today, exactly', async () => {
    const t = await createTenant(server.url);
    // 2,500 leads over the six days before today, each first called hours later, assigned: more values
    // than a cached part keeps around each median (cohort.ts).
    await pgOwner(
      `with l as (
         insert into leads (id, organization_id, created_at, updated_at, first_name, last_name, source, status,
                            assigned_user_id)
         select gen_random_uuid(), $1, now() - interval '1 day' - (i % 5) * interval '1 day'
                  - (i * 37 % 1440) * interval '1 minute', now(), 'Old', 'Lead ' || i,
                (array['PPC', 'SEO', 'SMS'])[1 + i % 3]::lead_source, 'NEW', $2
           from generate_series(1, 2500) i returning id, created_at)
       insert into activities (id, organization_id, lead_id, type, direction, occurred_at, user_id)
       select gen_random_uuid(), $1, l.id, 'CALL', 'OUTBOUND',
              l.created_at + (ascii(l.id::text) % 20) * interval '1 hour', $2
         from l`,
      [t.organizationId, t.userId],
    );
    const oracle = await AnalyticsOracle.connect(server.config.databaseUrl, t.organizationId);
    const selection =
      'range { from to timeZone } funnel { step count medianDaysFromPrevious } sourceRoi { source leads } ' +
      'team { userId leadsAssigned medianFirstResponseMinutes } ' +
      'created: series(metric: LEADS_CREATED, bucket: DAY) { start value }';
    type Answer = {
      range: { from: string; to: string; timeZone: string };
      funnel: object[];
      sourceRoi: object[];
      team: object[];
      created: object[];
    };
    const exact = async () => {
      const before = server.deps.analyticsCache.misses;
      const res = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${t.token}` },
        body: JSON.stringify({ query: `{ analytics(range: { preset: LAST_7_DAYS }) { ${selection} } }` }),
      });
      const computed = server.deps.analyticsCache.misses - before;
      const a = ((await res.json()) as { data: { analytics: Answer } }).data.analytics;
      const q = { organizationId: '', range: resolveRange(a.range, a.range.timeZone, a.range.from), filter: {} };
      const pick = <T extends object>(rows: T[], keys: string[]) =>
        rows.map((r) => Object.fromEntries(keys.map((k) => [k, (r as Record<string, unknown>)[k]])));
      expect(a.funnel).toEqual(pick(await oracle.funnel(q), ['step', 'count', 'medianDaysFromPrevious']));
      expect(a.sourceRoi).toEqual(pick(await oracle.sourceRoi(q), ['source', 'leads']));
      expect(a.team).toEqual(
        pick(await oracle.team(q), ['userId', 'leadsAssigned', 'medianFirstResponseMinutes']).filter(
          (m) => m.leadsAssigned,
        ),
      );
      expect(a.created).toEqual(await oracle.series(q, 'LEADS_CREATED', 'DAY'));
      return computed;
    };
    try {
      expect(await exact()).toBeGreaterThan(0);
      // Leads today, one called: the answers are read again for today's leads alone — the funnel, source
      // ROI (and its lead outcomes), the team's leads and activities, the series (and its days) — and
      // merged with what was kept of the 2,500.
      await lead(t, 'PPC', { contact: true, assignee: t.userId });
      await lead(t, 'SEO', { assignee: t.userId });
      expect(await exact()).toBe(7);
      // A change to a lead from before today recomputes that part too.
      await pgOwner(
        `update leads set source = 'SMS' where organization_id = $1 and source = 'PPC' and first_name = 'Old'
                      and last_name = 'Lead 3'`,
        [t.organizationId],
      );
      expect(await exact()).toBe(10);
      // 2,100 leads today, called at once: more than the kept values around each median can place, so
      // the whole range is computed.
      await pgOwner(
        `with l as (insert into leads (id, organization_id, created_at, updated_at, first_name, last_name, source,
                                       status, assigned_user_id)
                    select gen_random_uuid(), $1, now(), now(), 'New', 'Lead ' || i, 'PPC', 'NEW', $2
                      from generate_series(1, 2100) i returning id)
         insert into activities (id, organization_id, lead_id, type, direction, occurred_at, user_id)
         select gen_random_uuid(), $1, l.id, 'CALL', 'OUTBOUND', now(), $2 from l`,
        [t.organizationId, t.userId],
      );
      await exact();
    } finally {
      await oracle.close();
    }
  });

  it('serves stuck deals from memory only until the next open deal crosses the threshold', async () => {
    const t = await createTenant(server.url);
    // One finished visit of about 3 s sets the threshold (its 90th percentile); a second deal then sits there.
    const done = await lead(t, 'PPC', { stages: ['OFFER_MADE'] });
    await new Promise((r) => setTimeout(r, 3_000));
    await t.api.MoveDeal({ id: done.dealId!, stage: 'NEGOTIATION' as never });
    const open = await lead(t, 'PPC', { stages: ['OFFER_MADE'] });
    const ask = async () => {
      const res = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${t.token}` },
        body: JSON.stringify({
          query: '{ analytics(range: { preset: LAST_7_DAYS }) { stuckDeals(stage: OFFER_MADE) { deals { id } } } }',
        }),
      });
      const { data } = (await res.json()) as { data: { analytics: { stuckDeals: { deals: { id: string }[] } } } };
      return data.analytics.stuckDeals.deals.map((d) => d.id);
    };
    expect(await ask()).toEqual([]);
    const before = server.deps.analyticsCache.misses;
    expect(await ask()).toEqual([]); // nothing changed, nothing crossed: from memory
    expect(server.deps.analyticsCache.misses).toBe(before);
    // Nothing changes in the organization, but the open deal passes the threshold as time goes by.
    await new Promise((r) => setTimeout(r, 3_300));
    expect(await ask()).toEqual([open.dealId]);
  });
});
