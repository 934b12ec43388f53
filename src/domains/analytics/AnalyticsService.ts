import { pgArray } from '../../platform/db/pg-array.js';
import { readConnection } from '../../platform/db/replicas.js';
import { Campaign, Deal, User } from '../../../entities/index.js';
import { DealStage, Role, type LeadSource } from '../../../entities/enums.js';
import { ValidationError } from '../../platform/errors/index.js';
import { Topics } from '../../platform/pubsub.js';
import * as v from '../../platform/validate.js';
import { requireActor, type ServiceScope } from '../scope.js';
import { addDays } from '../tasks/calendar.js';
import { activityCounts, filtered, leadFilter, viaLeadFacts, type Sql } from './filter-sql.js';
import {
  ALL_VALUES,
  MEDIAN_WINDOW,
  mergeByKey,
  NO_VALUES,
  sizeOfPart,
  sortedOf,
  sortedSql,
  unionMedian,
  type Sorted,
} from './cohort.js';
import { sectionTables } from './section-tables.js';
import { bucketOf, bucketsBetween, resolveRange, type Bucket, type RangePreset } from './range.js';
import {
  DAY,
  DEFAULT_CLOSE_RATES,
  FUNNEL_STEPS,
  funnelAggregatesSql,
  funnelFromCounts,
  funnelPartSql,
  nullableArray,
  OPEN_STAGES,
  round,
  SHRINK_K,
  type AnalyticsFilter,
  type AnalyticsQuery,
  type FunnelGrouping,
  type FunnelRow,
  type RevenueBasis,
  type SeriesMetric,
} from './definitions.js';

export * from './definitions.js';

const CAMPAIGN_COUNTS = ['sent', 'delivered', 'opened', 'clicked', 'replied', 'optedOut', 'bounced'] as const;
/** Kinds of change whose rows name the day of the leads they touch (`@past` versions). */
const COHORT_KINDS = ['leads', 'analytics_lead_facts'];
/** The most stuck deals listed. */
const STUCK_LIMIT = 200;
/** The forecast's cache key has no range (it is of the pipeline now). */
const FORECAST_RANGE = { from: '', to: '', timeZone: '', start: new Date(0), end: new Date(0) };
/** One campaign's counts for the messages sent on one local day. */
export type CampaignDay = { day: string } & Record<(typeof CAMPAIGN_COUNTS)[number], number>;
/** The funnel of one group of leads: how many reached each step, the median days from the step before. */
type FunnelGroup = { key: string | null; counts: number[]; medians: (number | null)[] };
/** What the leads of one source became. */
type SourceOutcome = Record<'leads' | 'appointments' | 'contracts' | 'closed' | 'revenue', number> & {
  source: LeadSource;
};

/** Two parts' source outcomes added up. */
function addSourceOutcomes(a: SourceOutcome[], b: SourceOutcome[]): SourceOutcome[] {
  const out = new Map<LeadSource, SourceOutcome>();
  for (const o of [...a, ...b]) {
    const x = out.get(o.source);
    if (!x) out.set(o.source, { ...o });
    else for (const k of ['leads', 'appointments', 'contracts', 'closed', 'revenue'] as const) x[k] += o[k];
  }
  return [...out.values()];
}

/**
 * The analytics an acquisitions team runs its week on, exact, computed from the stored rows for the
 * range and filter (docs/analytics.md defines every number). Each section is its own method, so a
 * query computes only the sections it selects.
 */
export class AnalyticsService {
  constructor(private readonly scope: ServiceScope) {}

  /** Checks the range and filter (every id must be of the caller's organization) and resolves the range. */
  async query(
    range: { from?: string | null; to?: string | null; preset?: RangePreset | null },
    filter: AnalyticsFilter = {},
  ): Promise<AnalyticsQuery> {
    const actor = requireActor(this.scope);
    const { em } = this.scope;
    // The organization's zone, its analytics versions (AnalyticsCache) — per kind of change, and for
    // changes to leads created before today (UTC) also `<kind>@past` (cohort) — and, for ALL_TIME,
    // its first day.
    const cut = new Date().toISOString().slice(0, 10);
    const [org] = await this.read<{ zone: string; version: Record<string, string> | null; earliest: string | null }[]>(
      `select o.time_zone as zone,
              (select json_object_agg(k.kind, k.n || ':' || k.last)
                 from (select c.kind, sum(c.weight) as n, max(c.id) as last from analytics_changes c
                        where c.organization_id = o.id group by c.kind
                       union all
                       select c.kind || '@past', sum(c.weight), max(c.id) from analytics_changes c
                        where c.organization_id = o.id and c.kind = any(?::text[])
                          and coalesce(c.lead_day, '-infinity') < ?::date
                        group by c.kind) k) as version,
              case when ?::boolean then
                to_char(coalesce((select min(f.created_at) from analytics_lead_facts f where f.organization_id = o.id),
                                 o.created_at) at time zone o.time_zone, 'YYYY-MM-DD') end as earliest
         from organizations o where o.id = ?`,
      [pgArray(COHORT_KINDS), cut, range.preset === 'ALL_TIME', actor.organizationId],
    );
    const resolved = resolveRange(range, org!.zone, org!.earliest ?? new Date().toISOString().slice(0, 10));
    const ids = async (list: string[] | null | undefined, entity: typeof User | typeof Campaign, field: string) => {
      if (!list?.length) return null;
      if (list.length > 100) throw new ValidationError(`${field} takes at most 100 ids`, field);
      const wanted = [...new Set(list.map((id, i) => v.uuid(id, `${field}[${i}]`)))];
      const found = await em.count(entity as typeof User, { id: { $in: wanted } });
      if (found !== wanted.length) throw new ValidationError(`${field} names an id not in your organization`, field);
      return wanted;
    };
    return {
      organizationId: actor.organizationId,
      version: org!.version ?? {},
      cut,
      range: resolved,
      filter: {
        sources: filter.sources?.length ? [...new Set(filter.sources)] : null,
        assignedUserIds: await ids(filter.assignedUserIds, User, 'filter.assignedUserIds'),
        tags: filter.tags?.length ? v.listFilter({ tags: filter.tags }, 'filter').tags : null,
        campaignIds: await ids(filter.campaignIds, Campaign, 'filter.campaignIds'),
      },
    };
  }

  // Each section as the resolvers ask for it: answered from the cache while the organization's
  // analytics version is the same (AnalyticsCache), computed otherwise.
  funnel(q: AnalyticsQuery) {
    return this.funnelNow(q);
  }
  funnelBy(q: AnalyticsQuery, by: FunnelGrouping) {
    return this.funnelByNow(q, by);
  }
  sourceRoi(q: AnalyticsQuery) {
    return this.cached(q, ['sourceRoi'], () => this.sourceRoiNow(q));
  }
  stageDurations(q: AnalyticsQuery) {
    return this.cached(q, ['stageDurations'], () => this.stageDurationsNow(q));
  }
  velocity(q: AnalyticsQuery) {
    return this.cached(q, ['velocity'], () => this.velocityNow(q));
  }
  campaignPerformance(q: AnalyticsQuery) {
    return this.cached(q, ['campaignPerformance'], () => this.campaignPerformanceNow(q));
  }
  revenue(q: AnalyticsQuery, bucket: Bucket) {
    return this.cached(q, ['revenue', bucket], () => this.revenueNow(q, bucket));
  }
  /** The open pipeline now: range and filter do not apply (only the version does). */
  forecast(q?: AnalyticsQuery) {
    return q
      ? this.cached({ ...q, range: FORECAST_RANGE, filter: {} }, ['forecast'], () => this.forecastNow())
      : this.forecastNow();
  }
  series(q: AnalyticsQuery, metric: SeriesMetric, bucket: Bucket) {
    return this.cached(q, ['series', metric, bucket], () => this.seriesNow(q, metric, bucket));
  }

  /** A read of the analytics tables: from a streaming replica where the platform allows it (a GraphQL query's). */
  private async read<T extends object[]>(sql: string, params: unknown[] = []): Promise<T> {
    const { em } = this.scope;
    return em.execute<T>(sql, params, { connectionType: await readConnection(em) });
  }

  /**
   * The answer cached for this section under its version: the versions of the kinds of change it
   * reads (sectionTables), so a change elsewhere leaves it cached.
   */
  private cached<T>(
    q: AnalyticsQuery,
    what: string[],
    compute: () => Promise<T>,
    validUntil?: (value: T) => number,
    past = false,
  ): Promise<T> {
    if (!q.version) return compute();
    const versions = q.version;
    // An answer about leads created before the cut depends on changes to such leads only.
    const of = (kind: string) => (past && COHORT_KINDS.includes(kind) ? `${kind}@past` : kind);
    const version = sectionTables(what, filtered(q))?.map((kind) => versions[of(kind)] ?? '0') ?? versions;
    const { from, to, timeZone } = q.range;
    const key = JSON.stringify([q.organizationId, version, what, from, to, timeZone, q.filter, past && q.cut]);
    return this.scope.deps.analyticsCache.get(key, compute, validUntil, past ? sizeOfPart : undefined);
  }

  /**
   * A section over the leads created in the range, whose parts add up (`merge`): the leads created
   * before today (UTC), cached under the versions of changes to such leads only (`@past`, the
   * analytics_lead_cohorts migration), and today's, read each time; so a new lead costs a read of
   * today's leads, not of the whole range. `merge` answers undefined when its parts cannot give the
   * exact answer (cohort.ts), and the whole range is computed instead.
   */
  private cohort<P, T>(
    q: AnalyticsQuery,
    what: string[],
    part: (start: Date, end: Date, window: number) => Promise<P>,
    merge: (past: P, today: P) => T | undefined,
    whole: () => Promise<T>,
  ): Promise<T> {
    const cut = q.cut && new Date(`${q.cut}T00:00:00Z`);
    if (!cut || q.range.start >= cut) return this.cached(q, what, whole);
    if (q.range.end <= cut) return this.cached(q, what, whole, undefined, true);
    return this.cached(q, what, async () => {
      const [past, today] = await Promise.all([
        this.cached(q, [...what, 'past'], () => part(q.range.start, cut, MEDIAN_WINDOW), undefined, true),
        part(cut, q.range.end, ALL_VALUES),
      ]);
      return merge(past, today) ?? whole();
    });
  }

  /**
   * Leads created in the range (and filter) through the steps to a closed deal. A lead counts at a
   * step when it reached that step or any later one; times are each step's first occurrence.
   */
  private async funnelNow(q: AnalyticsQuery): Promise<FunnelRow[]> {
    const [all] = await this.funnelGroups(q, null, ['funnel']);
    return funnelFromCounts(all ?? { counts: FUNNEL_STEPS.map(() => 0), medians: FUNNEL_STEPS.map(() => null) });
  }

  /** The same funnel per lead source, per assignee (null: unassigned) or per local month of creation. */
  private async funnelByNow(q: AnalyticsQuery, by: FunnelGrouping) {
    const key: Sql = {
      SOURCE: { sql: 'f.source::text', params: [] },
      AGENT: { sql: 'f.assigned_user_id::text', params: [] },
      MONTH_CREATED: { sql: `to_char(f.created_at at time zone ?, 'YYYY-MM')`, params: [q.range.timeZone] },
    }[by];
    const groups = await this.funnelGroups(q, key, ['funnelBy', by]);
    return [...groups]
      .sort((a, b) => (a.key ?? '\uffff').localeCompare(b.key ?? '\uffff'))
      .map((g) => ({ key: g.key, steps: funnelFromCounts(g) }));
  }

  /**
   * Per group of the cohort (one group without `key`): how many leads reached each step, and the
   * median days between each step and the previous one — cached as `what`, in two parts (cohort):
   * the leads created before today and today's.
   */
  private funnelGroups(q: AnalyticsQuery, key: Sql | null, what: string[]) {
    return this.cohort(
      q,
      what,
      (start, end, window) => this.funnelPart(q, key, start, end, window),
      (past, today) =>
        mergeByKey(
          past,
          today,
          (g) => g.key,
          (key, a, b): FunnelGroup | undefined => {
            const medians = FUNNEL_STEPS.map((_, i) =>
              i === 0 ? null : unionMedian(a?.sorted[i] ?? NO_VALUES, b?.sorted[i] ?? NO_VALUES),
            );
            if (medians.includes(undefined)) return undefined;
            const counts = FUNNEL_STEPS.map((_, i) => (a?.counts[i] ?? 0) + (b?.counts[i] ?? 0));
            return { key, counts, medians: medians as (number | null)[] };
          },
        ),
      () => this.funnelWhole(q, key),
    );
  }

  /** One part of funnelGroups: the leads created in [start, end), each median's values around it. */
  private async funnelPart(q: AnalyticsQuery, key: Sql | null, start: Date, end: Date, window: number) {
    const w = leadFilter(q, 'f');
    const part = funnelPartSql();
    const rows = await this.read<Record<string, unknown>[]>(
      `select key, ${part.outer(window)}
         from (select ${key?.sql ?? 'null'} as key, ${part.inner}
                 from analytics_lead_facts f
                where f.created_at >= ? and f.created_at < ? and ${w.sql}
                group by 1) x`,
      [...(key?.params ?? []), start, end, ...w.params],
    );
    return rows.map((r) => ({
      key: (r.key as string | null) ?? null,
      counts: FUNNEL_STEPS.map((_, i) => Number(r[`c${i}`])),
      sorted: FUNNEL_STEPS.map((_, i) => (i === 0 ? NO_VALUES : sortedOf(r, `m${i}`))),
    }));
  }

  /** funnelGroups over the whole range at once, the medians computed by PostgreSQL. */
  private async funnelWhole(q: AnalyticsQuery, key: Sql | null): Promise<FunnelGroup[]> {
    const w = leadFilter(q, 'f');
    const rows = await this.read<Record<string, string | null>[]>(
      `select ${key?.sql ?? 'null'} as key, ${funnelAggregatesSql()}
         from analytics_lead_facts f
        where f.created_at >= ? and f.created_at < ? and ${w.sql}
        group by 1`,
      [...(key?.params ?? []), q.range.start, q.range.end, ...w.params],
    );
    return rows.map((r) => ({
      key: r.key ?? null,
      counts: FUNNEL_STEPS.map((_, i) => Number(r[`c${i}`])),
      medians: FUNNEL_STEPS.map((_, i) => (r[`m${i}`] == null ? null : Number(r[`m${i}`]))),
    }));
  }

  /**
   * Per lead source: spend in the range (each spend spread evenly over its days), the leads created
   * in the range and what they became (appointments, contracts, closed deals, revenue), the costs
   * per each and ROI = (revenue − spend) / spend.
   */
  private async sourceRoiNow(q: AnalyticsQuery) {
    const part = (start: Date, end: Date) => this.sourceOutcomes(q, start, end);
    const [outcomes, spend] = await Promise.all([
      this.cohort(q, ['sourceRoiLeads'], part, addSourceOutcomes, () => part(q.range.start, q.range.end)),
      this.spendBySource(q),
    ]);
    const sources = new Set<LeadSource>([...outcomes.map((o) => o.source as LeadSource), ...spend.keys()]);
    return [...sources].sort().map((source) => {
      const o = outcomes.find((x) => x.source === source);
      const cost = round(spend.get(source) ?? 0)!;
      const n = (x: number | undefined) => x ?? 0;
      const per = (count: number) => (count ? round(cost / count) : null);
      const revenue = round(Number(o?.revenue ?? 0))!;
      return {
        source,
        spend: cost,
        leads: n(o?.leads),
        costPerLead: per(n(o?.leads)),
        appointments: n(o?.appointments),
        costPerAppointment: per(n(o?.appointments)),
        contracts: n(o?.contracts),
        closedDeals: n(o?.closed),
        costPerDeal: per(n(o?.closed)),
        revenue,
        roi: cost ? round((revenue - cost) / cost, 4) : null,
      };
    });
  }

  /** What the leads created in [start, end) became, per source (counts and won revenue add up). */
  private async sourceOutcomes(q: AnalyticsQuery, start: Date, end: Date): Promise<SourceOutcome[]> {
    const w = leadFilter(q, 'f');
    const rows = await this.read<Record<keyof SourceOutcome, string>[]>(
      `select f.source::text as source, count(*) as leads, count(f.appointment_at) as appointments,
              count(f.contract_at) as contracts, count(f.won_at) as closed, coalesce(sum(won.revenue), 0) as revenue
         from analytics_lead_facts f
         left join lateral (select sum(df.revenue) as revenue from analytics_deal_facts df
                             where df.lead_id = f.lead_id and df.won_at is not null) won on f.won_at is not null
        where f.created_at >= ? and f.created_at < ? and ${w.sql}
        group by f.source`,
      [start, end, ...w.params],
    );
    return rows.map((r) => ({
      source: r.source as LeadSource,
      leads: Number(r.leads),
      appointments: Number(r.appointments),
      contracts: Number(r.contracts),
      closed: Number(r.closed),
      revenue: Number(r.revenue),
    }));
  }

  /**
   * Per deal stage: visits that began in the range (a deal entering the stage), how many have left
   * it, and the median / p75 / p90 days of the finished ones (p75 and p90 by nearest rank); deals
   * of leads matching the filter. Aggregated in PostgreSQL over the stage visits.
   */
  private async stageDurationsNow(
    q: AnalyticsQuery,
    only: DealStage[] = Object.values(DealStage),
    extraPercentile = 90,
  ) {
    const { join, where } = viaLeadFacts(q, 'v');
    const days = 'extract(epoch from v.left_at - v.entered_at) / 86400';
    const rows = await this.read<(Record<'stage' | 'entered' | 'finished', string> & Record<string, unknown>)[]>(
      `select v.stage::text as stage, count(*) as entered, count(v.left_at) as finished,
              percentile_cont(0.5) within group (order by ${days}) filter (where v.left_at is not null) as median,
              percentile_disc(0.75) within group (order by ${days}) filter (where v.left_at is not null) as p75,
              percentile_disc(0.9) within group (order by ${days}) filter (where v.left_at is not null) as p90,
              percentile_disc(?::float8) within group (order by ${days}) filter (where v.left_at is not null) as px
         from analytics_stage_visits v ${join}
        where v.entered_at >= ? and v.entered_at < ? and v.stage = any(?::deal_stage[]) and ${where.sql}
        group by v.stage`,
      [extraPercentile / 100, q.range.start, q.range.end, nullableArray(only), ...where.params],
    );
    const num = (x: unknown) => (x == null ? null : Number(x));
    return only.map((stage) => {
      const r = rows.find((x) => x.stage === stage);
      return {
        stage,
        entered: Number(r?.entered ?? 0),
        stillThere: Number(r?.entered ?? 0) - Number(r?.finished ?? 0),
        medianDays: round(num(r?.median)),
        p75Days: round(num(r?.p75)),
        p90Days: round(num(r?.p90)),
        /** The `extraPercentile` of the finished visits' days, unrounded. */
        percentileDays: num(r?.px),
      };
    });
  }

  /**
   * Open deals sitting in `stage` longer than the given percentile (default 90) of the days deals
   * spent there in the range — longest first, at most 200. None when the range has no finished
   * visit to compare. Cached like a section, and also only until the next open deal of the stage
   * crosses the threshold (the clock moves the answer too): with 200 listed, later crossers would
   * sort after them, so the list holds until a deal changes.
   */
  async stuckDeals(q: AnalyticsQuery, stage: DealStage, olderThanPercentile: number) {
    const pct = v.intRange(olderThanPercentile, 'olderThanPercentile', 1, 99)!;
    if (stage === DealStage.CLOSED_WON || stage === DealStage.CLOSED_LOST)
      throw new ValidationError('A closed stage has no stuck deals', 'stage');
    const { until: _, ...answer } = await this.cached(
      q,
      ['stuckDeals', stage, String(pct)],
      () => this.stuckDealsNow(q, stage, pct),
      (a) => a.until,
    );
    return answer;
  }

  private async stuckDealsNow(q: AnalyticsQuery, stage: DealStage, pct: number) {
    const { em } = this.scope;
    // The threshold is of the range's finished visits (cached under its own version).
    const threshold = await this.cached(
      q,
      ['stuckThreshold', stage, String(pct)],
      async () => (await this.stageDurationsNow(q, [stage], pct))[0]!.percentileDays,
    );
    if (threshold == null) return { thresholdDays: null, deals: [] as Deal[], until: Infinity };
    const cutoff = new Date(Date.now() - threshold * DAY);
    const [deals, [next]] = await Promise.all([
      em.find(
        Deal,
        { stage, stageChangedAt: { $lt: cutoff } },
        { orderBy: { stageChangedAt: 'asc', id: 'asc' }, limit: STUCK_LIMIT, disableIdentityMap: true },
      ),
      em.execute<{ next: string | null }[]>(
        `select extract(epoch from min(stage_changed_at)) * 1000 as next from deals
          where organization_id = ? and stage = ? and stage_changed_at >= ?`,
        [q.organizationId, stage, cutoff],
      ),
    ]);
    const crossing = next?.next == null ? Infinity : Number(next.next) + threshold * DAY;
    return {
      thresholdDays: round(threshold),
      deals,
      until: deals.length === STUCK_LIMIT ? Infinity : crossing,
    };
  }

  /**
   * Open pipeline weighted by how often deals in each stage ended won in the organization's own
   * history, shrunk toward documented defaults while that history is small:
   * rate = (won + K × default) / (closed + K), K = 20. Expected value = deal value (contract price,
   * else offer) × its stage's rate, by the month of its expected close date (null: not scheduled).
   */
  private async forecastNow() {
    const [history, open] = await Promise.all([
      this.read<{ stage: DealStage; closed: string; won: string }[]>(
        `select s::text as stage, count(*) as closed, count(*) filter (where df.stage = 'CLOSED_WON') as won
           from analytics_deal_facts df cross join unnest(df.stages_passed) as s
          where df.stage in ('CLOSED_WON', 'CLOSED_LOST') and s not in ('CLOSED_WON', 'CLOSED_LOST')
          group by s`,
      ),
      this.read<{ stage: DealStage; month: string | null; deals: string; value: string | null }[]>(
        `select d.stage::text as stage, to_char(d.expected_close_date, 'YYYY-MM') as month, count(*) as deals,
                sum(coalesce(d.contract_price, d.offer_amount)) as value
           from deals d where d.stage not in ('CLOSED_WON', 'CLOSED_LOST') group by 1, 2`,
      ),
    ]);
    const rateOf = new Map<DealStage, number>();
    const stages = OPEN_STAGES.map((stage) => {
      const h = history.find((x) => x.stage === stage);
      const closed = Number(h?.closed ?? 0);
      const won = Number(h?.won ?? 0);
      const rate = (won + SHRINK_K * DEFAULT_CLOSE_RATES[stage]) / (closed + SHRINK_K);
      rateOf.set(stage, rate);
      const mine = open.filter((d) => d.stage === stage);
      const value = mine.reduce((sum, d) => sum + Number(d.value ?? 0), 0);
      return {
        stage,
        openDeals: mine.reduce((sum, d) => sum + Number(d.deals), 0),
        value: round(value)!,
        historicalClosed: closed,
        historicalWon: won,
        closeRate: round(rate, 4)!,
        expectedValue: round(value * rate)!,
      };
    });
    const months = new Map<string | null, { deals: number; expectedValue: number }>();
    for (const d of open) {
      const m = months.get(d.month) ?? { deals: 0, expectedValue: 0 };
      m.deals += Number(d.deals);
      m.expectedValue += Number(d.value ?? 0) * rateOf.get(d.stage)!;
      months.set(d.month, m);
    }
    return {
      expectedValue: round(stages.reduce((sum, x) => sum + x.expectedValue, 0))!,
      stages,
      byMonth: [...months.entries()]
        .sort(([a], [b]) => (a ?? '9999').localeCompare(b ?? '9999'))
        .map(([month, m]) => ({ month, deals: m.deals, expectedValue: round(m.expectedValue)! })),
    };
  }

  /** Deals won in the range (by the time they last moved to CLOSED_WON), per bucket, zero-filled. */
  private async revenueNow(q: AnalyticsQuery, bucket: Bucket) {
    const { join, where } = viaLeadFacts(q, 'df');
    const rows = await this.read<{ day: string; basis: RevenueBasis; deals: string; revenue: string }[]>(
      `select to_char(df.won_at at time zone ?, 'YYYY-MM-DD') as day, df.revenue_basis as basis, count(*) as deals,
              coalesce(sum(df.revenue), 0) as revenue
         from analytics_deal_facts df ${join}
        where df.won_at >= ? and df.won_at < ? and ${where.sql}
        group by 1, 2`,
      [q.range.timeZone, q.range.start, q.range.end, ...where.params],
    );
    const series = bucketsBetween(q.range.from, q.range.to, bucket).map((start) => ({
      start,
      closedWon: 0,
      revenue: 0,
    }));
    const byStart = new Map(series.map((s) => [s.start, s]));
    const basis: Record<RevenueBasis, number> = { ASSIGNMENT_FEE: 0, CONTRACT_MINUS_UNDERWRITING: 0, UNKNOWN: 0 };
    for (const r of rows) {
      const b = byStart.get(bucketOf(r.day, bucket))!;
      b.closedWon += Number(r.deals);
      b.revenue = round(b.revenue + Number(r.revenue))!;
      basis[r.basis] += Number(r.deals);
    }
    return {
      bucket,
      closedWon: series.reduce((sum, s) => sum + s.closedWon, 0),
      revenue: round(series.reduce((sum, s) => sum + s.revenue, 0))!,
      byBasis: Object.entries(basis).map(([b, deals]) => ({ basis: b as RevenueBasis, deals })),
      series,
    };
  }

  /**
   * How fast deals move: median days from a lead's creation to its first contract and to its close,
   * over the deals that reached them in the range; and deals won per week (zero-filled).
   */
  private async velocityNow(q: AnalyticsQuery) {
    // The lead's creation time is kept with the deal's facts, so unfiltered this reads deals alone.
    const { join, where } = viaLeadFacts(q, 'df');
    const over = (column: string) => ({
      sql: `select percentile_cont(0.5) within group
                     (order by extract(epoch from df.${column} - df.lead_created_at) / 86400) as median, count(*) as n
              from analytics_deal_facts df ${join}
             where df.${column} >= ? and df.${column} < ? and df.lead_created_at is not null and ${where.sql}`,
      params: [q.range.start, q.range.end, ...where.params],
    });
    const [[contract], [close], days] = await Promise.all([
      this.read<{ median: string | null; n: string }[]>(over('contract_at').sql, over('contract_at').params),
      this.read<{ median: string | null; n: string }[]>(over('first_won_at').sql, over('first_won_at').params),
      this.dealFactsPerDay(q, 'first_won_at', 'count(*)'),
    ]);
    const weeks = bucketsBetween(q.range.from, q.range.to, 'WEEK').map((start) => ({ start, closed: 0 }));
    const byWeek = new Map(weeks.map((x) => [x.start, x]));
    for (const r of days) byWeek.get(bucketOf(r.day, 'WEEK'))!.closed += Number(r.value);
    const median = (x: { median: string | null } | undefined) => (x?.median == null ? null : Number(x.median));
    return {
      medianDaysLeadToContract: round(median(contract)),
      medianDaysLeadToClose: round(median(close)),
      contracts: Number(contract?.n ?? 0),
      closed: Number(close?.n ?? 0),
      closedPerWeek: weeks,
    };
  }

  /**
   * Per team member: leads created in the range now assigned to them, their median first-response
   * time in business minutes (lead created → first outbound activity by anyone, Monday–Friday
   * 9–17 local; kept with the lead's facts, see business_minutes in the rollups migration), their
   * activities by type and deal moves in the range, contracts and won revenue of deals assigned to
   * them. An AGENT sees only their own row; OWNER, ADMIN and VIEWER see everyone.
   */
  async team(q: AnalyticsQuery) {
    const actor = requireActor(this.scope);
    const onlyMe = actor.role === Role.AGENT ? actor.id : null;
    const moves = viaLeadFacts(q, 'v');
    const activities = activityCounts(q);
    // Each part is cached under the kinds of change it reads (section-tables.ts): a logged call
    // recomputes the activity counts alone.
    const [everyone, leads, activityRows, moveRows, deals] = await Promise.all([
      this.cached(q, ['teamUsers'], async () =>
        (await this.scope.em.find(User, {}, { orderBy: { name: 'asc', id: 'asc' }, disableIdentityMap: true })).map(
          (u) => u.id,
        ),
      ),
      this.teamLeads(q),
      this.cached(q, ['teamActivities'], () =>
        this.read<{ user_id: string; type: string; n: string }[]>(
          `select user_id, type::text as type, sum(n) as n from (${activities.sql}) x
            where user_id is not null group by user_id, type`,
          activities.params,
        ),
      ),
      this.cached(q, ['teamMoves'], () =>
        this.read<{ user_id: string; n: string }[]>(
          `select v.by_user_id as user_id, count(*) as n from analytics_stage_visits v ${moves.join}
            where v.moved and v.by_user_id is not null and v.entered_at >= ? and v.entered_at < ? and ${moves.where.sql}
            group by v.by_user_id`,
          [q.range.start, q.range.end, ...moves.where.params],
        ),
      ),
      this.cached(q, ['teamDeals'], () => this.teamDeals(q)),
    ]);
    const users = everyone.filter((id) => !onlyMe || id === onlyMe).map((id) => ({ id }));
    return users.map((u) => {
      const mine = leads.find((l) => l.user_id === u.id);
      const d = deals.find((x) => x.user_id === u.id);
      return {
        userId: u.id,
        leadsAssigned: Number(mine?.leads ?? 0),
        medianFirstResponseMinutes: mine?.median == null ? null : round(Number(mine.median), 1),
        activitiesByType: activityRows
          .filter((a) => a.user_id === u.id)
          .map((a) => ({ type: a.type, count: Number(a.n) }))
          .sort((a, b) => a.type.localeCompare(b.type)),
        dealsMoved: Number(moveRows.find((m) => m.user_id === u.id)?.n ?? 0),
        contracts: Number(d?.contracts ?? 0),
        closedRevenue: round(Number(d?.revenue ?? 0))!,
      };
    });
  }

  /**
   * Per assignee: the leads created in the range now assigned to them and their median first
   * response in business minutes — in two parts (cohort): the leads created before today and today's.
   */
  private teamLeads(q: AnalyticsQuery) {
    const w = leadFilter(q, 'f');
    type Part = { user_id: string; leads: number; minutes: Sorted }[];
    const first = sortedSql('r', 'f.first_response_minutes', 'f.first_response_minutes is not null');
    const part = async (start: Date, end: Date, window: number): Promise<Part> =>
      (
        await this.read<Record<string, unknown>[]>(
          `select user_id, leads, ${first.outer(window)}
             from (select f.assigned_user_id as user_id, count(*)::int as leads, ${first.inner}
                     from analytics_lead_facts f
                    where f.created_at >= ? and f.created_at < ? and f.assigned_user_id is not null and ${w.sql}
                    group by f.assigned_user_id) x`,
          [start, end, ...w.params],
        )
      ).map((r) => ({ user_id: r.user_id as string, leads: Number(r.leads), minutes: sortedOf(r, 'r') }));
    const merge = (past: Part, today: Part) =>
      mergeByKey(
        past,
        today,
        (x) => x.user_id,
        (user_id, a, b) => {
          const median = unionMedian(a?.minutes ?? NO_VALUES, b?.minutes ?? NO_VALUES);
          return median === undefined ? undefined : { user_id, leads: (a?.leads ?? 0) + (b?.leads ?? 0), median };
        },
      );
    const whole = async () =>
      (
        await this.read<{ user_id: string; leads: string; median: number | null }[]>(
          `select f.assigned_user_id as user_id, count(*) as leads,
                  percentile_cont(0.5) within group (order by f.first_response_minutes) as median
             from analytics_lead_facts f
            where f.created_at >= ? and f.created_at < ? and f.assigned_user_id is not null and ${w.sql}
            group by f.assigned_user_id`,
          [q.range.start, q.range.end, ...w.params],
        )
      ).map((r) => ({
        user_id: r.user_id,
        leads: Number(r.leads),
        median: r.median == null ? null : Number(r.median),
      }));
    return this.cohort(q, ['teamLeads'], part, merge, whole);
  }

  /**
   * Per campaign with sends in the range: recipients sent to in the range and how many of those
   * were delivered, opened, clicked, replied, opted out or bounced, with rates of sent.
   */
  private async campaignPerformanceNow(q: AnalyticsQuery) {
    const w = leadFilter(q, 'l', 'id');
    const rows = await this.read<Record<string, string>[]>(
      `select c.id as campaign_id, c.channel::text as channel,
              to_char(r.sent_at at time zone ?, 'YYYY-MM-DD') as day, count(*) as sent,
              count(r.delivered_at) as delivered, count(r.opened_at) as opened, count(r.clicked_at) as clicked,
              count(r.replied_at) as replied, count(*) filter (where r.status = 'OPTED_OUT') as opted_out,
              count(*) filter (where r.status = 'BOUNCED') as bounced
         from campaign_recipients r join campaigns c on c.id = r.campaign_id join leads l on l.id = r.lead_id
        where r.sent_at >= ? and r.sent_at < ? and ${w.sql}
        group by c.id, c.channel, 3 order by c.id, 3`,
      [q.range.timeZone, q.range.start, q.range.end, ...w.params],
    );
    const campaigns = new Map<string, { campaignId: string; channel: string; days: CampaignDay[] }>();
    for (const r of rows) {
      const c = campaigns.get(r.campaign_id!) ?? { campaignId: r.campaign_id!, channel: r.channel!, days: [] };
      c.days.push({
        day: r.day!,
        ...Object.fromEntries(CAMPAIGN_COUNTS.map((k) => [k, Number(r[k === 'optedOut' ? 'opted_out' : k])])),
      } as CampaignDay);
      campaigns.set(c.campaignId, c);
    }
    return [...campaigns.values()].map((c) => {
      const total = (k: (typeof CAMPAIGN_COUNTS)[number]) => c.days.reduce((sum, d) => sum + d[k], 0);
      const sent = total('sent');
      const rate = (n: number) => round(n / sent, 4);
      return {
        campaignId: c.campaignId,
        channel: c.channel,
        sent,
        delivered: total('delivered'),
        opened: total('opened'),
        clicked: total('clicked'),
        replied: total('replied'),
        optedOut: total('optedOut'),
        bounced: total('bounced'),
        deliveryRate: rate(total('delivered')),
        openRate: rate(total('opened')),
        clickRate: rate(total('clicked')),
        replyRate: rate(total('replied')),
        optOutRate: rate(total('optedOut')),
        bounceRate: rate(total('bounced')),
        /** Per local day of sending, for `series`. */
        days: c.days,
        range: q.range,
      };
    });
  }

  /**
   * A campaign's counts per bucket of the range, by the day each message was sent (so the buckets
   * add up to the totals): sent, and of those delivered, opened, clicked, replied, opted out, bounced.
   */
  campaignSeries(p: { days: CampaignDay[]; range: { from: string; to: string } }, bucket: Bucket) {
    const points = bucketsBetween(p.range.from, p.range.to, bucket).map((start) => ({
      start,
      ...(Object.fromEntries(CAMPAIGN_COUNTS.map((k) => [k, 0])) as Omit<CampaignDay, 'day'>),
    }));
    const byStart = new Map(points.map((x) => [x.start, x]));
    for (const d of p.days) {
      const point = byStart.get(bucketOf(d.day, bucket))!;
      for (const k of CAMPAIGN_COUNTS) point[k] += d[k];
    }
    return points;
  }

  /** Per assignee: their deals that went under contract, and the revenue of those won, in the range. */
  private teamDeals(q: AnalyticsQuery) {
    const { join, where } = viaLeadFacts(q, 'df');
    const [start, end] = [q.range.start, q.range.end];
    return this.read<{ user_id: string; contracts: string; revenue: string | null }[]>(
      `select df.assigned_user_id as user_id,
              count(*) filter (where df.contract_at >= ? and df.contract_at < ?) as contracts,
              sum(df.revenue) filter (where df.won_at >= ? and df.won_at < ?) as revenue
         from analytics_deal_facts df ${join}
        where df.assigned_user_id is not null and ${where.sql}
          and ((df.contract_at >= ? and df.contract_at < ?) or (df.won_at >= ? and df.won_at < ?))
        group by df.assigned_user_id`,
      [start, end, start, end, ...where.params, start, end, start, end],
    );
  }

  /** `value` (an aggregate over deal facts `df`) per local day of `column` in the range, for the filter. */
  private dealFactsPerDay(q: AnalyticsQuery, column: string, value: string) {
    const { join, where } = viaLeadFacts(q, 'df');
    return this.read<{ day: string; value: string }[]>(
      `select to_char(df.${column} at time zone ?, 'YYYY-MM-DD') as day, ${value} as value
         from analytics_deal_facts df ${join}
        where df.${column} >= ? and df.${column} < ? and ${where.sql}
        group by 1`,
      [q.range.timeZone, q.range.start, q.range.end, ...where.params],
    );
  }

  /** `count(*)` of lead facts per local day of `column` in [start, end) (the range), for the filter. */
  private leadFactsPerDay(q: AnalyticsQuery, column: string, start = q.range.start, end = q.range.end) {
    const w = leadFilter(q, 'f');
    return this.read<{ day: string; value: string }[]>(
      `select to_char(f.${column} at time zone ?, 'YYYY-MM-DD') as day, count(*) as value
         from analytics_lead_facts f
        where f.${column} >= ? and f.${column} < ? and ${w.sql}
        group by 1`,
      [q.range.timeZone, start, end, ...w.params],
    );
  }

  /** Leads created per local day of the range, in two parts (cohort): before today, and today. */
  private leadsCreatedPerDay(q: AnalyticsQuery) {
    const part = (start: Date, end: Date) => this.leadFactsPerDay(q, 'created_at', start, end);
    // A local day across the cut has a count in each part.
    const add = (a: { day: string; value: string }[], b: { day: string; value: string }[]) => {
      const days = new Map<string, number>();
      for (const r of [...a, ...b]) days.set(r.day, (days.get(r.day) ?? 0) + Number(r.value));
      return [...days].map(([day, value]) => ({ day, value }));
    };
    return this.cohort(q, ['series', 'LEADS_CREATED', 'days'], part, add, async () =>
      add(await part(q.range.start, q.range.end), []),
    );
  }

  /**
   * One metric over the range, per bucket, every bucket present (zero when nothing happened). Counts
   * are of events in the range — a lead's first contact, a deal's first entry to a stage — for leads
   * matching the filter; SPEND spreads each spend over its days.
   */
  private async seriesNow(q: AnalyticsQuery, metric: SeriesMetric, bucket: Bucket) {
    const rows = await this.seriesDays(q, metric);
    const points = bucketsBetween(q.range.from, q.range.to, bucket).map((start) => ({ start, value: 0 }));
    const byStart = new Map(points.map((x) => [x.start, x]));
    for (const r of rows) {
      const point = byStart.get(bucketOf(r.day, bucket));
      if (point) point.value += Number(r.value);
    }
    for (const point of points) point.value = round(point.value)!;
    return points;
  }

  /** The metric per local day of the range, from the facts and the daily rollup. */
  private async seriesDays(
    q: AnalyticsQuery,
    metric: SeriesMetric,
  ): Promise<{ day: string; value: string | number }[]> {
    switch (metric) {
      case 'SPEND':
        return this.spendByDay(q);
      case 'LEADS_CREATED':
        return this.leadsCreatedPerDay(q);
      case 'LEADS_CONTACTED':
        return this.leadFactsPerDay(q, 'contacted_at');
      case 'ACTIVITIES': {
        const a = activityCounts(q);
        return this.read(
          `select to_char(day, 'YYYY-MM-DD') as day, sum(n) as value from (${a.sql}) x group by day`,
          a.params,
        );
      }
      case 'DEALS_CREATED':
        return this.dealFactsPerDay(q, 'created_at', 'count(*)');
      case 'APPOINTMENTS':
        return this.dealFactsPerDay(q, 'appointment_at', 'count(*)');
      case 'OFFERS':
        return this.dealFactsPerDay(q, 'offer_at', 'count(*)');
      case 'CONTRACTS':
        return this.dealFactsPerDay(q, 'contract_at', 'count(*)');
      case 'CLOSED_WON':
        return this.dealFactsPerDay(q, 'won_at', 'count(*)');
      case 'REVENUE':
        return this.dealFactsPerDay(q, 'won_at', 'coalesce(sum(df.revenue), 0)');
    }
  }

  /**
   * Deals per current stage with their value (contract price, else offer): every deal, or with a
   * range the deals created in it, for leads matching the filter.
   */
  async pipeline(q: AnalyticsQuery | null) {
    const w = q ? leadFilter(q, 'l', 'id') : { sql: 'true', params: [] };
    const where = q ? `d.created_at >= ? and d.created_at < ? and ${w.sql}` : 'true';
    const rows = await this.read<{ stage: DealStage; count: string; total: string }[]>(
      `select d.stage::text as stage, count(*) as count,
              coalesce(sum(coalesce(d.contract_price, d.offer_amount, 0)), 0) as total
         from deals d join leads l on l.id = d.lead_id where ${where} group by d.stage`,
      q ? [q.range.start, q.range.end, ...w.params] : [],
    );
    return Object.values(DealStage).map((stage) => {
      const r = rows.find((x) => x.stage === stage);
      return { stage, count: Number(r?.count ?? 0), totalValue: Number(r?.total ?? 0) };
    });
  }

  /**
   * Recomputes the organization's analytics from the raw rows — lead facts, deal facts, stage
   * visits and the daily activity rollup (with its pending deltas folded) — and reports how many
   * rows had drifted (differed, or were missing or left over). With the triggers in place the
   * answer is 0; it is the check, and the repair after a restore or a manual data fix.
   */
  async rebuild(): Promise<{ leads: number; drifted: number }> {
    const actor = requireActor(this.scope);
    return this.scope.em.transactional(async (tem) => {
      const snapshot = async () =>
        new Map(
          (
            await tem.execute<{ k: string; h: string }[]>(
              `select 'lead:' || lead_id as k, md5(row(f.*)::text) as h from analytics_lead_facts f
               union all
               select 'deal:' || deal_id, md5(row(d.*)::text) from analytics_deal_facts d
               union all
               select 'visit:' || id, md5(row(v.*)::text) from analytics_stage_visits v
               union all
               select 'day:' || concat_ws('|', day, source, lead_user_id, user_id, type), sum(n)::text
                 from (select day, source, lead_user_id, user_id, type, n from analytics_activity_daily
                       union all
                       select day, source, lead_user_id, user_id, type, n from analytics_activity_deltas) x
                group by day, source, lead_user_id, user_id, type having sum(n) <> 0`,
            )
          ).map((r) => [r.k, r.h]),
        );
      const before = await snapshot();
      await tem.execute('select analytics_refresh_leads(array(select id from leads))');
      await tem.execute('select analytics_refresh_deals(array(select id from deals))');
      await tem.execute('select analytics_rebuild_activity_daily(?)', [actor.organizationId]);
      const after = await snapshot();
      let drifted = [...before.keys()].filter((k) => !after.has(k)).length;
      for (const [k, h] of after) if (before.get(k) !== h) drifted++;
      return { leads: [...after.keys()].filter((k) => k.startsWith('lead:')).length, drifted };
    });
  }

  /**
   * Folds the organization's pending activity deltas into the daily rollup (one fold per
   * organization at a time) and tells its `analyticsUpdated` subscribers the numbers moved on. Run
   * by the analytics job at the end of each window with changes (AnalyticsSignal).
   */
  async fold(organizationId: string): Promise<{ folded: number }> {
    const [row] = await this.scope.em.execute<{ folded: number }[]>('select analytics_compact(?) as folded', [
      organizationId,
    ]);
    this.scope.deps.pubsub.publish(Topics.ANALYTICS, organizationId, { organizationId, at: new Date().toISOString() });
    return { folded: Number(row?.folded ?? 0) };
  }

  /** Spend per local day of the range (each spend spread evenly over its days, see spendInRange). */
  private async spendByDay(q: AnalyticsQuery): Promise<{ day: string; value: number }[]> {
    const days = new Map<string, number>();
    for (const x of await this.spendInRange(q)) days.set(x.day, (days.get(x.day) ?? 0) + x.cents);
    return [...days].map(([day, cents]) => ({ day, value: cents / 100 }));
  }

  /** Spend per source within the range, each spend spread evenly over its days. */
  private async spendBySource(q: AnalyticsQuery): Promise<Map<LeadSource, number>> {
    const sources = new Map<LeadSource, number>();
    for (const x of await this.spendInRange(q)) sources.set(x.source, (sources.get(x.source) ?? 0) + x.cents);
    return new Map([...sources].map(([source, cents]) => [source, cents / 100]));
  }

  /**
   * Every day of the range each spend covers, with its share in whole cents: the amount's cents
   * divided by the days of its period, the remainder going one cent each to its first days — so the
   * days of a spend add up to it exactly, and every section splits it the same way.
   */
  private async spendInRange(q: AnalyticsQuery): Promise<{ day: string; source: LeadSource; cents: number }[]> {
    const { filter, range } = q;
    const rows = await this.read<{ source: LeadSource; amount: string; start: string; end: string }[]>(
      `select s.source::text as source, s.amount, to_char(s.period_start, 'YYYY-MM-DD') as start,
              to_char(s.period_end, 'YYYY-MM-DD') as end
         from marketing_spend s
        where s.period_start <= ?::date and s.period_end >= ?::date
          and (?::lead_source[] is null or s.source = any(?::lead_source[]))
          and (?::uuid[] is null or s.campaign_id = any(?::uuid[]))`,
      [
        range.to,
        range.from,
        nullableArray(filter.sources),
        nullableArray(filter.sources),
        nullableArray(filter.campaignIds),
        nullableArray(filter.campaignIds),
      ],
    );
    const out: { day: string; source: LeadSource; cents: number }[] = [];
    for (const r of rows) {
      const cents = Math.round(Number(r.amount) * 100);
      const days = Math.round((Date.parse(r.end) - Date.parse(r.start)) / DAY) + 1;
      const from = r.start > range.from ? r.start : range.from;
      const to = r.end < range.to ? r.end : range.to;
      for (
        let d = from, i = Math.round((Date.parse(from) - Date.parse(r.start)) / DAY);
        d <= to;
        d = addDays(d, 1), i++
      )
        out.push({ day: d, source: r.source, cents: Math.floor(cents / days) + (i < cents % days ? 1 : 0) });
    }
    return out;
  }
}
