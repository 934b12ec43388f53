import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { DashboardQuery } from '../../client/index.js';
import { resolveRange } from '../../src/domains/analytics/range.js';
import type { AnalyticsFilter } from '../../src/domains/analytics/definitions.js';
import { AnalyticsOracle } from '../helpers/analytics-oracle.js';
import { campaignCompleted, seedOptedInLeads } from '../helpers/campaigns.js';
import { addMember, createTenant, uniqueAddress, waitFor, type Tenant } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';

// Workers run here: imports, and the analytics job that folds activity deltas. One user makes
// 2,000 mutations in well under a minute, past the per-user limits.
const server = await startTestServer({
  config: { rateLimits: { queriesPerMinute: 100_000, mutationsPerMinute: 100_000, authMultiplier: 1 } },
});
const STAGES = ['NEW', 'CONTACTED', 'APPOINTMENT_SET', 'OFFER_MADE', 'NEGOTIATION', 'UNDER_CONTRACT', 'CLOSED_WON'];
const SOURCES = ['DIRECT_MAIL', 'PPC', 'SMS', 'COLD_CALL', 'SEO'] as const;
type Dashboard = DashboardQuery['analytics'];

/** A small deterministic generator, so a failure can be replayed. */
function rng(seed: number) {
  let x = seed;
  const next = () => (x = (x * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  return { next, pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]! };
}

const localDay = (tz: string, offsetDays = 0) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: tz }).format(new Date(Date.now() + offsetDays * 86_400_000));

/** Keeps only `keys` of each object (the dashboard selects a subset of some sections' fields). */
function only<T extends object>(rows: T[], keys: string[]): Partial<T>[] {
  return rows.map((r) => Object.fromEntries(keys.map((k) => [k, (r as Record<string, unknown>)[k]])) as Partial<T>);
}

/** What the Dashboard document must return, from the oracle. */
async function expected(o: AnalyticsOracle, d: Dashboard, filter: AnalyticsFilter): Promise<Dashboard> {
  const r = resolveRange({ from: d.range.from, to: d.range.to }, d.range.timeZone, d.range.from);
  const q = { organizationId: '', range: r, filter };
  const revenue = await o.revenue(q, 'WEEK');
  const forecast = await o.forecast();
  const stuck = await o.stuckDeals(q, 'OFFER_MADE' as never, 90);
  return {
    range: d.range,
    funnel: await o.funnel(q),
    funnelBy: (await o.funnelBy(q, 'SOURCE')).map((g) => ({
      key: g.key,
      steps: only(g.steps, ['step', 'count', 'medianDaysFromPrevious']),
    })),
    sourceRoi: only(await o.sourceRoi(q), Object.keys(d.sourceRoi[0] ?? { source: 1 })),
    stageDurations: only(await o.stageDurations(q), [
      'stage',
      'entered',
      'stillThere',
      'medianDays',
      'p75Days',
      'p90Days',
    ]),
    stuckDeals: { thresholdDays: stuck.thresholdDays, deals: stuck.deals.map((x) => ({ id: x.id })) },
    velocity: await o.velocity(q),
    team: await o.team(q),
    campaignPerformance: await campaigns(o, q),
    revenue: {
      closedWon: revenue.closedWon,
      revenue: revenue.revenue,
      byBasis: revenue.byBasis,
      series: revenue.series,
    },
    forecast: {
      expectedValue: forecast.expectedValue,
      stages: only(forecast.stages, ['stage', 'openDeals', 'expectedValue']),
      byMonth: forecast.byMonth,
    },
    leadsCreated: await o.series(q, 'LEADS_CREATED', 'WEEK'),
    activities: await o.series(q, 'ACTIVITIES', 'WEEK'),
    spend: await o.series(q, 'SPEND', 'WEEK'),
  } as Dashboard;
}

async function campaigns(o: AnalyticsOracle, q: Parameters<AnalyticsOracle['campaignPerformance']>[0]) {
  const series = await o.campaignSeries(q, 'WEEK');
  return only(await o.campaignPerformance(q), ['campaignId', 'channel', 'sent', 'delivered', 'replied']).map((c) => ({
    ...c,
    series: series.get(c.campaignId!)!,
  }));
}

/** Every section of the dashboard, for several ranges and filters, equals the oracle's. */
async function compare(t: Tenant, agentId: string, label: string, campaignId?: string): Promise<number> {
  const oracle = await AnalyticsOracle.connect(server.config.databaseUrl, t.organizationId);
  let checked = 0;
  try {
    const { timeZone } = (await t.api.Dashboard({ range: { preset: 'LAST_7_DAYS' } })).analytics.range;
    const ranges = [
      { preset: 'LAST_30_DAYS' as const },
      { preset: 'ALL_TIME' as const },
      { from: localDay(timeZone, -12), to: localDay(timeZone, -2) },
    ];
    const filters: AnalyticsFilter[] = [
      {},
      { sources: ['PPC', 'SMS'] as never },
      { assignedUserIds: [agentId] },
      { tags: ['hot'] },
      ...(campaignId ? [{ campaignIds: [campaignId] }] : []),
    ];
    for (const range of ranges)
      for (const filter of filters) {
        const { analytics } = await t.api.Dashboard({ range, filter: filter as never });
        const want = await expected(oracle, analytics, {
          sources: filter.sources ?? null,
          assignedUserIds: filter.assignedUserIds ?? null,
          tags: filter.tags ?? null,
          campaignIds: filter.campaignIds ?? null,
        });
        const context = `${label}: ${JSON.stringify({ range, filter })}`;
        // Stuck deals are those older than the threshold *now*: the oracle, asked a moment later, may
        // list more at the end (oldest first), never fewer or others.
        const stuck = analytics.stuckDeals.deals;
        expect(want.stuckDeals.deals.slice(0, stuck.length), context).toEqual(stuck);
        want.stuckDeals.deals = stuck;
        expect(analytics, context).toEqual(want);
        checked++;
      }
  } finally {
    await oracle.close();
  }
  return checked;
}

interface World {
  t: Tenant;
  users: (string | null)[];
  leads: { id: string; propertyId: string }[];
  deals: string[];
  spend: string[];
}

/** One random mutation of the kinds that move analytics; returns how many API mutations it made. */
async function mutate(w: World, r: ReturnType<typeof rng>, i: number): Promise<number> {
  const { t } = w;
  const op = w.leads.length < 10 ? 0 : Math.floor(r.next() * 10);
  if (op === 0) {
    const { createProperty } = await t.api.CreateProperty({
      input: { ...uniqueAddress(), tags: r.next() < 0.3 ? ['hot'] : [] },
    });
    const { createLead } = await t.api.CreateLead({
      input: {
        firstName: 'Eq',
        lastName: `L${i}`,
        source: r.pick(SOURCES),
        propertyId: createProperty.id,
        assignedUserId: r.pick(w.users),
      },
    });
    w.leads.push({ id: createLead.id, propertyId: createProperty.id });
    return 2;
  }
  if (op <= 3) {
    const backdated = r.next() < 0.4 ? new Date(Date.now() - r.next() * 40 * 86_400_000) : undefined;
    await t.api.LogActivity({
      input: {
        leadId: r.pick(w.leads).id,
        type: r.pick(['CALL', 'SMS', 'NOTE', 'EMAIL'] as const),
        direction: r.pick(['OUTBOUND', 'OUTBOUND', 'INBOUND'] as const),
        occurredAt: backdated?.toISOString(),
      },
    });
    return 1;
  }
  if (op === 4) {
    const lead = r.pick(w.leads);
    const { createDeal } = await t.api.CreateDeal({ input: { leadId: lead.id, propertyId: lead.propertyId } });
    w.deals.push(createDeal.id);
    return 1;
  }
  if (op === 5 && w.deals.length) {
    const stage = r.pick([...STAGES.slice(1), 'CLOSED_LOST', 'NEW']); // forwards, backwards, lost
    await t.api.MoveDeal({ id: r.pick(w.deals), stage: stage as never, note: 'moved' }).catch(() => undefined);
    return 1;
  }
  if (op === 6) {
    await t.api.UpdateLead({
      id: r.pick(w.leads).id,
      input: {
        status: r.pick(['NEW', 'CONTACTED', 'QUALIFIED', 'DEAD'] as const),
        source: r.pick(SOURCES),
        assignedUserId: r.pick(w.users),
      },
    });
    return 1;
  }
  if (op === 7 && w.deals.length) {
    const fee = r.next() < 0.5;
    await t.api.UpdateDeal({
      id: r.pick(w.deals),
      input: {
        assignmentFee: fee ? Math.round(r.next() * 20_000) : null,
        contractPrice: fee ? null : 100_000 + Math.round(r.next() * 50_000),
        offerAmount: 90_000 + Math.round(r.next() * 40_000),
        assignedUserId: r.pick(w.users),
      },
    });
    return 1;
  }
  if (op === 8) {
    if (w.spend.length && r.next() < 0.3) {
      await t.api.DeleteMarketingSpend({ id: w.spend.splice(Math.floor(r.next() * w.spend.length), 1)[0]! });
      return 1;
    }
    const start = localDay('UTC', -Math.floor(r.next() * 60));
    const input = {
      source: r.pick(SOURCES),
      label: `Spend ${i}`,
      amount: Math.round(r.next() * 500_000) / 100,
      periodStart: start,
      periodEnd: localDay('UTC', Math.floor(r.next() * 20)),
    };
    if (w.spend.length && r.next() < 0.3) await t.api.UpdateMarketingSpend({ id: r.pick(w.spend), input });
    else w.spend.push((await t.api.RecordMarketingSpend({ input })).recordMarketingSpend.id);
    return 1;
  }
  return 0;
}

async function importSome(t: Tenant, n: number): Promise<void> {
  const rows = Array.from({ length: 5 }, (_, k) => `Imp,Row${n}x${k},+1512555${String(n * 10 + k).padStart(4, '0')}`);
  const { importLeads } = await t.api.ImportLeads({
    input: { csv: `First Name,Last Name,Phone\n${rows.join('\n')}\n` },
  });
  await waitFor(async () => ((await t.api.Import({ id: importLeads.id })).import.status === 'COMPLETED' ? true : null));
}

/** An email campaign to 20 opted-in leads, sent through the workers and the local SMTP server. */
async function emailCampaign(t: Tenant): Promise<string> {
  await seedOptedInLeads(server.config.databaseUrl, t, 20, 'camp');
  const { createTemplate } = await t.api.CreateTemplate({
    input: { name: 'Equivalence', channel: 'EMAIL', subject: 'Hi {{lead.firstName}}', body: 'We buy houses.' },
  });
  const { createCampaign } = await t.api.CreateCampaign({
    input: {
      name: 'Equivalence mailer',
      channel: 'EMAIL',
      templateId: createTemplate.id,
      audience: {},
      windowStartHour: 0, // whatever the hour the suite runs at
      windowEndHour: 24,
    },
  });
  await t.api.LaunchCampaign({ id: createCampaign.id });
  const done = await campaignCompleted(t, createCampaign.id);
  expect(done.stats.sent).toBe(20);
  return createCampaign.id;
}

async function pendingDeltas(organizationId: string): Promise<number> {
  const db = new pg.Client({ connectionString: server.config.databaseOwnerUrl });
  await db.connect();
  try {
    const { rows } = await db.query(
      'select count(*)::int as n from analytics_activity_deltas where organization_id = $1',
      [organizationId],
    );
    return rows[0].n as number;
  } finally {
    await db.end();
  }
}

describe('analytics equivalence', () => {
  it('every section equals the plain computation: 2,000 mutations, a fold, a new time zone, a rebuild', async () => {
    const t = await createTenant(server.url);
    const agents = [await addMember(server.url, t, 'AGENT'), await addMember(server.url, t, 'AGENT')];
    await t.api.SetOrganizationTimeZone({ timeZone: 'America/Chicago' });
    const w: World = {
      t,
      users: [t.userId, agents[0]!.userId, agents[1]!.userId, null],
      leads: [],
      deals: [],
      spend: [],
    };
    const campaignId = await emailCampaign(t);
    const r = rng(20261203);
    let mutations = 0;
    let checked = 0;
    for (let i = 0; mutations < 2_000; i++) {
      mutations += await mutate(w, r, i);
      if (i % 400 === 399) {
        await importSome(t, i);
        mutations++;
      }
      if (i === 150) checked += await compare(t, agents[0]!.userId, 'early', campaignId);
    }
    expect(w.deals.length).toBeGreaterThan(50); // the sequence did real work
    checked += await compare(t, agents[0]!.userId, 'after 2,000 mutations', campaignId);

    // The analytics job folds the deltas; the numbers stay the same.
    await waitFor(async () => ((await pendingDeltas(t.organizationId)) === 0 ? true : null), 20_000);
    checked += await compare(t, agents[0]!.userId, 'after the fold', campaignId);

    // Another zone (a half-hour offset) moves local days and business hours: recomputed at once.
    await t.api.SetOrganizationTimeZone({ timeZone: 'Asia/Kolkata' });
    checked += await compare(t, agents[0]!.userId, 'after the time-zone change', campaignId);

    expect((await t.api.RebuildAnalytics()).rebuildAnalytics.drifted).toBe(0);
    checked += await compare(t, agents[0]!.userId, 'after rebuild', campaignId);
    expect(checked).toBe(5 * 15);
  }, 300_000);
});
