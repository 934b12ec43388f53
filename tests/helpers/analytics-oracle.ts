import pg from 'pg';
import { DealStage, type LeadSource } from '../../entities/enums.js';
import { businessMinutesBetween } from '../../src/domains/analytics/business-time.js';
import {
  DAY,
  DEFAULT_CLOSE_RATES,
  FUNNEL_STEPS,
  nullableArray,
  OPEN_STAGES,
  round,
  SHRINK_K,
  type AnalyticsQuery,
  type FunnelGrouping,
  type FunnelRow,
  type FunnelStep,
  type RevenueBasis,
  type SeriesMetric,
} from '../../src/domains/analytics/definitions.js';
import { bucketOf, bucketsBetween, medianOf, percentileOf, type Bucket } from '../../src/domains/analytics/range.js';

/**
 * The analytics oracle: every section computed the plain way — straight from the raw tables
 * (leads, activities, deals, stage history, underwritings, spend, campaign recipients), per lead
 * in JavaScript where a number is a median or a business-hours count — the first implementation
 * of AnalyticsService, before facts, rollups and in-database aggregation. Tests hold the service to
 * it. Connects as the app role inside one organization (row-level security scopes every table).
 */

function ms(value: Date | string): number {
  return (value instanceof Date ? value : new Date(value)).getTime();
}

/** Each lead's facts, from the raw rows. */
const RAW_FACTS = `
  select l.id as lead_id, l.created_at, l.source, l.status, l.assigned_user_id, l.property_id,
         (select min(a.occurred_at) from activities a
           where a.lead_id = l.id and a.direction = 'OUTBOUND' and a.type <> 'NOTE') as contacted_at,
         (select min(d.created_at) from deals d where d.lead_id = l.id) as deal_at,
         (select min(s.at) from deal_stage_changes s join deals d on d.id = s.deal_id where d.lead_id = l.id
             and s.to_stage in ('APPOINTMENT_SET', 'OFFER_MADE', 'NEGOTIATION', 'UNDER_CONTRACT', 'CLOSED_WON'))
           as appointment_at,
         (select min(s.at) from deal_stage_changes s join deals d on d.id = s.deal_id where d.lead_id = l.id
             and s.to_stage in ('OFFER_MADE', 'NEGOTIATION', 'UNDER_CONTRACT', 'CLOSED_WON')) as offer_at,
         (select min(s.at) from deal_stage_changes s join deals d on d.id = s.deal_id where d.lead_id = l.id
             and s.to_stage in ('UNDER_CONTRACT', 'CLOSED_WON')) as contract_at,
         (select min(s.at) from deal_stage_changes s join deals d on d.id = s.deal_id where d.lead_id = l.id
             and s.to_stage = 'CLOSED_WON') as won_at
    from leads l`;
/** Each entry of a deal into a stage, and when it was left. */
const RAW_VISITS = `
  select s.id, d.lead_id, s.to_stage as stage, s.at as entered_at,
         lead(s.at) over (partition by s.deal_id order by s.at, s.id) as left_at
    from deal_stage_changes s join deals d on d.id = s.deal_id`;

/** Revenue of a closed deal and where it comes from (docs/analytics.md, "Revenue"). */
export const REVENUE_SQL = `
  case when d.assignment_fee > 0 then d.assignment_fee
       when d.contract_price is not null and uw.all_in is not null then d.contract_price - uw.all_in
  end`;
export const REVENUE_BASIS_SQL = `
  case when d.assignment_fee > 0 then 'ASSIGNMENT_FEE'
       when d.contract_price is not null and uw.all_in is not null then 'CONTRACT_MINUS_UNDERWRITING'
       else 'UNKNOWN' end`;
/** The all-in cost of a deal's latest saved underwriting (FLIP: totalCost), joined as `uw`. */
export const UNDERWRITING_JOIN = `
  left join lateral (
    select coalesce((u.outputs->>'totalCost')::numeric, (u.outputs->>'allInCost')::numeric) as all_in
      from underwritings u where u.deal_id = d.id order by u.version desc limit 1
  ) uw on true`;

export type FunnelLeadRow = Record<
  FunnelStep | 'status' | 'source' | 'assigned_user_id' | 'month',
  Date | string | null
> & {
  source: string;
  assigned_user_id: string | null;
  month: string;
};

/** Counts, conversions and median gaps of the funnel over per-lead step times. */
export function funnelOf(rows: FunnelLeadRow[]): FunnelRow[] {
  const time = (r: FunnelLeadRow, step: FunnelStep): number | null => {
    if (step === 'QUALIFIED') return r.DEAL ? ms(r.DEAL) : null; // when known: the first deal
    const value = r[step];
    return value == null ? null : ms(value);
  };
  const reachedStep = (r: FunnelLeadRow, i: number): boolean =>
    FUNNEL_STEPS.slice(i).some((s) => (s === 'QUALIFIED' ? r.status === 'QUALIFIED' || !!r.DEAL : r[s] != null));
  const counts = FUNNEL_STEPS.map((_, i) => rows.filter((r) => reachedStep(r, i)).length);
  return FUNNEL_STEPS.map((step, i) => {
    const gaps =
      i === 0
        ? []
        : rows
            .map((r) => {
              const a = time(r, FUNNEL_STEPS[i - 1]!);
              const b = time(r, step);
              return a != null && b != null && b >= a ? (b - a) / DAY : null;
            })
            .filter((x): x is number => x != null)
            .sort((a, b) => a - b);
    return {
      step,
      count: counts[i]!,
      stepConversion: i === 0 || !counts[i - 1] ? null : counts[i]! / counts[i - 1]!,
      overallConversion: counts[0] ? counts[i]! / counts[0] : null,
      medianDaysFromPrevious: i === 0 ? null : round(medianOf(gaps)),
    };
  });
}

/** A deal's first entry into any of these stages, as (lead_id, at, value 1). */
const firstEntry = (stages: string) => `select d.lead_id, min(s.at) as at, 1 as value
  from deal_stage_changes s join deals d on d.id = s.deal_id where s.to_stage in (${stages}) group by d.id, d.lead_id`;

/** Each metric's events as (lead_id, at, value). */
export function seriesEvents(): Record<Exclude<SeriesMetric, 'SPEND'>, string> {
  return {
    LEADS_CREATED: 'select id as lead_id, created_at as at, 1 as value from leads',
    LEADS_CONTACTED: `select lead_id, min(occurred_at) as at, 1 as value from activities
                     where direction = 'OUTBOUND' and type <> 'NOTE' group by lead_id`,
    ACTIVITIES: 'select lead_id, occurred_at as at, 1 as value from activities',
    DEALS_CREATED: 'select lead_id, created_at as at, 1 as value from deals',
    APPOINTMENTS: firstEntry(`'APPOINTMENT_SET', 'OFFER_MADE', 'NEGOTIATION', 'UNDER_CONTRACT', 'CLOSED_WON'`),
    OFFERS: firstEntry(`'OFFER_MADE', 'NEGOTIATION', 'UNDER_CONTRACT', 'CLOSED_WON'`),
    CONTRACTS: firstEntry(`'UNDER_CONTRACT', 'CLOSED_WON'`),
    CLOSED_WON: `select d.lead_id, max(s.at) as at, 1 as value
                   from deal_stage_changes s join deals d on d.id = s.deal_id
                where s.to_stage = 'CLOSED_WON' and d.stage = 'CLOSED_WON' group by d.id, d.lead_id`,
    REVENUE: `select d.lead_id, w.at, coalesce(${REVENUE_SQL}, 0) as value
              from deals d join (select deal_id, max(at) as at from deal_stage_changes
                                  where to_stage = 'CLOSED_WON' group by deal_id) w on w.deal_id = d.id
              ${UNDERWRITING_JOIN}
             where d.stage = 'CLOSED_WON'`,
  };
}

export class AnalyticsOracle {
  private constructor(private readonly db: pg.Client) {}

  static async connect(databaseUrl: string, organizationId: string): Promise<AnalyticsOracle> {
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    await db.query(`select set_config('app.organization_id', $1, false)`, [organizationId]);
    return new AnalyticsOracle(db);
  }

  close(): Promise<void> {
    return this.db.end();
  }

  private queue: Promise<unknown> = Promise.resolve();

  /** Runs SQL written with `?` placeholders (as the service writes it), one statement at a time. */
  private sql<T>(text: string, params: unknown[] = []): Promise<T> {
    let n = 0;
    const run = this.queue.then(
      async () =>
        (
          await this.db.query(
            text.replace(/\?/g, () => `$${++n}`),
            params,
          )
        ).rows as T,
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Leads created in the range (and filter) through the steps to a closed deal. A lead counts at a
   * step when it reached that step or any later one; times are each step's first occurrence.
   */
  async funnel(q: AnalyticsQuery): Promise<FunnelRow[]> {
    return funnelOf(await this.funnelRows(q));
  }

  /** The same funnel per lead source, per assignee (null: unassigned) or per local month of creation. */
  async funnelBy(q: AnalyticsQuery, by: FunnelGrouping): Promise<{ key: string | null; steps: FunnelRow[] }[]> {
    const groups = new Map<string | null, FunnelLeadRow[]>();
    for (const r of await this.funnelRows(q)) {
      const key = by === 'SOURCE' ? r.source : by === 'AGENT' ? r.assigned_user_id : r.month;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    return [...groups.entries()]
      .sort(([a], [b]) => (a ?? '\uffff').localeCompare(b ?? '\uffff'))
      .map(([key, rows]) => ({ key, steps: funnelOf(rows) }));
  }

  /** Per lead of the cohort, each step's first time, from the facts the triggers keep (one indexed range scan). */
  private funnelRows(q: AnalyticsQuery): Promise<FunnelLeadRow[]> {
    return this.sql<FunnelLeadRow[]>(
      `select c.created_at as "CREATED", c.source::text as source, c.assigned_user_id,
              to_char(c.created_at at time zone ?, 'YYYY-MM') as month, c.status::text as status,
              c.contacted_at as "CONTACTED", c.deal_at as "DEAL", c.offer_at as "OFFER_MADE",
              c.contract_at as "UNDER_CONTRACT", c.won_at as "CLOSED_WON"
         from (${this.factsSql()}) c`,
      [q.range.timeZone, ...this.cohortParams(q)],
    );
  }

  /**
   * Per lead source: spend in the range (each spend spread evenly over its days), the leads created
   * in the range and what they became (appointments, contracts, closed deals, revenue), the costs
   * per each and ROI = (revenue − spend) / spend.
   */
  async sourceRoi(q: AnalyticsQuery) {
    const em = { execute: this.sql.bind(this) };
    const [outcomes, spend] = await Promise.all([
      em.execute<
        {
          source: LeadSource;
          leads: string;
          appointments: string;
          contracts: string;
          closed: string;
          revenue: string | null;
        }[]
      >(
        `with cohort as (${this.factsSql()}),
              won as (
                select d.lead_id, sum(${REVENUE_SQL}) as revenue
                  from deals d join cohort c on c.lead_id = d.lead_id ${UNDERWRITING_JOIN}
                 where c.won_at is not null and d.stage = 'CLOSED_WON' group by d.lead_id)
         select c.source::text as source, count(*) as leads, count(c.appointment_at) as appointments,
                count(c.contract_at) as contracts, count(c.won_at) as closed, sum(w.revenue) as revenue
           from cohort c left join won w on w.lead_id = c.lead_id
          group by c.source`,
        this.cohortParams(q),
      ),
      this.spendBySource(q),
    ]);
    const sources = new Set<LeadSource>([...outcomes.map((o) => o.source), ...spend.keys()]);
    return [...sources].sort().map((source) => {
      const o = outcomes.find((x) => x.source === source);
      const cost = round(spend.get(source) ?? 0)!;
      const n = (s: string | undefined) => Number(s ?? 0);
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

  /**
   * Per deal stage: visits that began in the range (a deal entering the stage), how many have left
   * it, and the median / p75 / p90 days of the finished ones; deals of leads matching the filter.
   */
  async stageDurations(q: AnalyticsQuery, only: DealStage[] = Object.values(DealStage)) {
    const rows = await this.sql<{ stage: DealStage; days: number | null }[]>(
      `select v.stage::text as stage, extract(epoch from v.left_at - v.entered_at) / 86400 as days
         from (${RAW_VISITS}) v join (${RAW_FACTS}) f on f.lead_id = v.lead_id
        where v.entered_at >= ? and v.entered_at < ? and ${this.leadFilterSql('f', 'lead_id')}`,
      [q.range.start, q.range.end, ...this.leadFilterParams(q)],
    );
    return only.map((stage) => {
      const mine = rows.filter((r) => r.stage === stage);
      const finished = mine
        .filter((r) => r.days != null)
        .map((r) => Number(r.days))
        .sort((a, b) => a - b);
      return {
        stage,
        entered: mine.length,
        stillThere: mine.length - finished.length,
        medianDays: round(medianOf(finished)),
        p75Days: round(percentileOf(finished, 75)),
        p90Days: round(percentileOf(finished, 90)),
        finished,
      };
    });
  }

  /**
   * Open deals sitting in `stage` longer than the given percentile (default 90) of the days deals
   * spent there in the range — longest first. None when the range has no finished visit to compare.
   */
  async stuckDeals(q: AnalyticsQuery, stage: DealStage, olderThanPercentile: number) {
    const pct = olderThanPercentile;
    const durations = (await this.stageDurations(q, [stage]))[0]!;
    const threshold = durations.finished.length ? percentileOf(durations.finished, pct)! : null;
    if (threshold == null) return { thresholdDays: null, deals: [] as { id: string }[] };
    const deals = await this.sql<{ id: string }[]>(
      `select id from deals where stage = ?::deal_stage and stage_changed_at < ?
        order by stage_changed_at, id limit 200`,
      [stage, new Date(Date.now() - threshold * DAY)],
    );
    return { thresholdDays: round(threshold), deals };
  }

  /**
   * Open pipeline weighted by how often deals in each stage ended won in the organization's own
   * history, shrunk toward documented defaults while that history is small:
   * rate = (won + K × default) / (closed + K), K = 20. Expected value = deal value (contract price,
   * else offer) × its stage's rate, by the month of its expected close date (null: not scheduled).
   */
  async forecast() {
    const em = { execute: this.sql.bind(this) };
    const [history, open] = await Promise.all([
      em.execute<{ stage: DealStage; closed: string; won: string }[]>(
        `select s.to_stage::text as stage, count(distinct d.id) as closed,
                count(distinct d.id) filter (where d.stage = 'CLOSED_WON') as won
           from deals d join deal_stage_changes s on s.deal_id = d.id
          where d.stage in ('CLOSED_WON', 'CLOSED_LOST') and s.to_stage not in ('CLOSED_WON', 'CLOSED_LOST')
          group by s.to_stage`,
      ),
      em.execute<{ stage: DealStage; value: string | null; month: string | null }[]>(
        `select d.stage::text as stage, coalesce(d.contract_price, d.offer_amount) as value,
                to_char(d.expected_close_date, 'YYYY-MM') as month
           from deals d where d.stage not in ('CLOSED_WON', 'CLOSED_LOST')`,
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
        openDeals: mine.length,
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
      m.deals++;
      m.expectedValue += Number(d.value ?? 0) * rateOf.get(d.stage)!; // rounded once, below
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

  /** Deals won in the range (by the time they moved to CLOSED_WON), per bucket, zero-filled. */
  async revenue(q: AnalyticsQuery, bucket: Bucket) {
    const rows = await this.sql<{ day: string; revenue: string | null; basis: RevenueBasis }[]>(
      `select to_char(w.at at time zone ?, 'YYYY-MM-DD') as day, ${REVENUE_SQL} as revenue,
              ${REVENUE_BASIS_SQL} as basis
         from (select s.deal_id, max(s.at) as at from deal_stage_changes s
                where s.to_stage = 'CLOSED_WON' group by s.deal_id) w
         join deals d on d.id = w.deal_id and d.stage = 'CLOSED_WON'
         join leads l on l.id = d.lead_id
         ${UNDERWRITING_JOIN}
        where w.at >= ? and w.at < ? and ${this.leadFilterSql('l')}`,
      [q.range.timeZone, q.range.start, q.range.end, ...this.leadFilterParams(q)],
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
      b.closedWon++;
      b.revenue = round(b.revenue + Number(r.revenue ?? 0))!;
      basis[r.basis]++;
    }
    return {
      bucket,
      closedWon: rows.length,
      revenue: round(series.reduce((sum, s) => sum + s.revenue, 0))!,
      byBasis: Object.entries(basis).map(([b, deals]) => ({ basis: b as RevenueBasis, deals })),
      series,
    };
  }

  /**
   * How fast deals move: median days from a lead's creation to its first contract and to its close,
   * over the deals that reached them in the range; and deals won per week (zero-filled).
   */
  async velocity(q: AnalyticsQuery) {
    const rows = await this.sql<{ kind: 'contract' | 'close'; days: number; day: string }[]>(
      `with firsts as (
         select d.id, l.created_at as lead_at,
                min(s.at) filter (where s.to_stage in ('UNDER_CONTRACT', 'CLOSED_WON')) as contract_at,
                min(s.at) filter (where s.to_stage = 'CLOSED_WON') as close_at
           from deals d join leads l on l.id = d.lead_id join deal_stage_changes s on s.deal_id = d.id
          where ${this.leadFilterSql('l')}
          group by d.id, l.created_at)
       select 'contract' as kind, extract(epoch from contract_at - lead_at) / 86400 as days,
              to_char(contract_at at time zone ?, 'YYYY-MM-DD') as day
         from firsts where contract_at >= ? and contract_at < ?
       union all
       select 'close', extract(epoch from close_at - lead_at) / 86400, to_char(close_at at time zone ?, 'YYYY-MM-DD')
         from firsts where close_at >= ? and close_at < ?`,
      [
        ...this.leadFilterParams(q),
        q.range.timeZone,
        q.range.start,
        q.range.end,
        q.range.timeZone,
        q.range.start,
        q.range.end,
      ],
    );
    const days = (kind: 'contract' | 'close') =>
      rows
        .filter((r) => r.kind === kind)
        .map((r) => Number(r.days))
        .sort((a, b) => a - b);
    const weeks = bucketsBetween(q.range.from, q.range.to, 'WEEK').map((start) => ({ start, closed: 0 }));
    const byWeek = new Map(weeks.map((w) => [w.start, w]));
    for (const r of rows) if (r.kind === 'close') byWeek.get(bucketOf(r.day, 'WEEK'))!.closed++;
    return {
      medianDaysLeadToContract: round(medianOf(days('contract'))),
      medianDaysLeadToClose: round(medianOf(days('close'))),
      contracts: days('contract').length,
      closed: days('close').length,
      closedPerWeek: weeks,
    };
  }

  /**
   * Per team member: leads created in the range now assigned to them, their median first-response
   * time in business minutes (lead created → first outbound activity by anyone, Monday–Friday
   * 9–17 local), their activities by type and deal moves in the range, contracts and won revenue of
   * deals assigned to them. An AGENT sees only their own row; OWNER, ADMIN and VIEWER see everyone.
   */
  async team(q: AnalyticsQuery) {
    const em = { execute: this.sql.bind(this) };
    const p = [q.range.start, q.range.end];
    const [users, leads, activities, moves, deals] = await Promise.all([
      this.sql<{ id: string }[]>('select id from users order by name, id'),
      em.execute<{ user_id: string; created_at: Date | string; first_out: Date | string | null }[]>(
        `select c.assigned_user_id as user_id, c.created_at, c.contacted_at as first_out
           from (${this.factsSql()}) c where c.assigned_user_id is not null`,
        this.cohortParams(q),
      ),
      em.execute<{ user_id: string; type: string; n: string }[]>(
        `select a.user_id, a.type::text as type, count(*) as n from activities a join leads l on l.id = a.lead_id
          where a.user_id is not null and a.occurred_at >= ? and a.occurred_at < ? and ${this.leadFilterSql('l')}
          group by a.user_id, a.type`,
        [...p, ...this.leadFilterParams(q)],
      ),
      em.execute<{ user_id: string; n: string }[]>(
        `select s.by_user_id as user_id, count(*) as n
           from deal_stage_changes s join deals d on d.id = s.deal_id join leads l on l.id = d.lead_id
          where s.by_user_id is not null and s.from_stage is not null and s.at >= ? and s.at < ?
            and ${this.leadFilterSql('l')}
          group by s.by_user_id`,
        [...p, ...this.leadFilterParams(q)],
      ),
      this.teamDeals(q),
    ]);
    return users.map((u) => {
      const mine = leads.filter((l) => l.user_id === u.id);
      const responses = mine
        .filter((l) => l.first_out)
        .map((l) => businessMinutesBetween(new Date(l.created_at), new Date(l.first_out!), q.range.timeZone))
        .sort((a, b) => a - b);
      const d = deals.find((x) => x.user_id === u.id);
      return {
        userId: u.id,
        leadsAssigned: mine.length,
        medianFirstResponseMinutes: round(medianOf(responses), 1),
        activitiesByType: activities
          .filter((a) => a.user_id === u.id)
          .map((a) => ({ type: a.type, count: Number(a.n) }))
          .sort((a, b) => a.type.localeCompare(b.type)),
        dealsMoved: Number(moves.find((m) => m.user_id === u.id)?.n ?? 0),
        contracts: Number(d?.contracts ?? 0),
        closedRevenue: round(Number(d?.revenue ?? 0))!,
      };
    });
  }

  /**
   * Per campaign with sends in the range: recipients sent to in the range and how many of those
   * were delivered, opened, clicked, replied, opted out or bounced, with rates of sent.
   */
  async campaignPerformance(q: AnalyticsQuery) {
    const rows = await this.sql<Record<string, string>[]>(
      `select c.id as campaign_id, c.channel::text as channel, count(*) as sent,
              count(r.delivered_at) as delivered, count(r.opened_at) as opened, count(r.clicked_at) as clicked,
              count(r.replied_at) as replied, count(*) filter (where r.status = 'OPTED_OUT') as opted_out,
              count(*) filter (where r.status = 'BOUNCED') as bounced
         from campaign_recipients r join campaigns c on c.id = r.campaign_id join leads l on l.id = r.lead_id
        where r.sent_at >= ? and r.sent_at < ? and ${this.leadFilterSql('l')}
        group by c.id, c.channel order by c.id`,
      [q.range.start, q.range.end, ...this.leadFilterParams(q)],
    );
    return rows.map((r) => {
      const sent = Number(r.sent);
      const rate = (n: string | undefined) => round(Number(n) / sent, 4);
      return {
        campaignId: r.campaign_id!,
        channel: r.channel!,
        sent,
        delivered: Number(r.delivered),
        opened: Number(r.opened),
        clicked: Number(r.clicked),
        replied: Number(r.replied),
        optedOut: Number(r.opted_out),
        bounced: Number(r.bounced),
        deliveryRate: rate(r.delivered),
        openRate: rate(r.opened),
        clickRate: rate(r.clicked),
        replyRate: rate(r.replied),
        optOutRate: rate(r.opted_out),
        bounceRate: rate(r.bounced),
      };
    });
  }

  /** Per campaign, its messages sent in the range per bucket of their local sending day. */
  async campaignSeries(q: AnalyticsQuery, bucket: Bucket) {
    const rows = await this.sql<
      { campaign_id: string; day: string; sent: string; delivered: string; replied: string }[]
    >(
      `select r.campaign_id, to_char(r.sent_at at time zone ?, 'YYYY-MM-DD') as day, count(*) as sent,
              count(r.delivered_at) as delivered, count(r.replied_at) as replied
         from campaign_recipients r join leads l on l.id = r.lead_id
        where r.sent_at >= ? and r.sent_at < ? and ${this.leadFilterSql('l')}
        group by 1, 2`,
      [q.range.timeZone, q.range.start, q.range.end, ...this.leadFilterParams(q)],
    );
    const out = new Map<string, { start: string; sent: number; delivered: number; replied: number }[]>();
    for (const r of rows) {
      const points =
        out.get(r.campaign_id) ??
        bucketsBetween(q.range.from, q.range.to, bucket).map((start) => ({ start, sent: 0, delivered: 0, replied: 0 }));
      const point = points.find((x) => x.start === bucketOf(r.day, bucket))!;
      point.sent += Number(r.sent);
      point.delivered += Number(r.delivered);
      point.replied += Number(r.replied);
      out.set(r.campaign_id, points);
    }
    return out;
  }

  /** Per assignee: their deals that went under contract, and the revenue of those won, in the range. */
  private teamDeals(q: AnalyticsQuery) {
    return this.sql<{ user_id: string; contracts: string; revenue: string | null }[]>(
      `select d.assigned_user_id as user_id,
              count(*) filter (where m.contract_at >= ? and m.contract_at < ?) as contracts,
              sum(${REVENUE_SQL}) filter (where d.stage = 'CLOSED_WON' and m.won_at >= ? and m.won_at < ?) as revenue
         from deals d join leads l on l.id = d.lead_id
         join lateral (
           select min(s.at) filter (where s.to_stage in ('UNDER_CONTRACT', 'CLOSED_WON')) as contract_at,
                  max(s.at) filter (where s.to_stage = 'CLOSED_WON') as won_at
             from deal_stage_changes s where s.deal_id = d.id) m on true
         ${UNDERWRITING_JOIN}
        where d.assigned_user_id is not null and ${this.leadFilterSql('l')}
        group by d.assigned_user_id`,
      [q.range.start, q.range.end, q.range.start, q.range.end, ...this.leadFilterParams(q)],
    );
  }

  /**
   * One metric over the range, per bucket, every bucket present (zero when nothing happened). Counts
   * are of events in the range — a lead's first contact, a deal's first entry to a stage — for leads
   * matching the filter; SPEND spreads each spend over its days.
   */
  async series(q: AnalyticsQuery, metric: SeriesMetric, bucket: Bucket) {
    const rows =
      metric === 'SPEND'
        ? await this.spendByDay(q)
        : await this.sql<{ day: string; value: string }[]>(
            `select to_char(e.at at time zone ?, 'YYYY-MM-DD') as day, sum(e.value) as value
           from (${seriesEvents()[metric]}) e join leads l on l.id = e.lead_id
          where e.at >= ? and e.at < ? and ${this.leadFilterSql('l')}
          group by 1`,
            [q.range.timeZone, q.range.start, q.range.end, ...this.leadFilterParams(q)],
          );
    const points = bucketsBetween(q.range.from, q.range.to, bucket).map((start) => ({ start, value: 0 }));
    const byStart = new Map(points.map((x) => [x.start, x]));
    for (const r of rows) {
      const point = byStart.get(bucketOf(r.day, bucket));
      if (point) point.value += Number(r.value);
    }
    for (const point of points) point.value = round(point.value)!;
    return points;
  }

  /**
   * Deals per current stage with their value (contract price, else offer): every deal, or with a
   * range the deals created in it, for leads matching the filter.
   */
  async pipeline(q: AnalyticsQuery | null) {
    const where = q ? `d.created_at >= ? and d.created_at < ? and ${this.leadFilterSql('l')}` : 'true';
    const rows = await this.sql<{ stage: DealStage; count: string; total: string }[]>(
      `select d.stage::text as stage, count(*) as count,
              coalesce(sum(coalesce(d.contract_price, d.offer_amount, 0)), 0) as total
         from deals d join leads l on l.id = d.lead_id where ${where} group by d.stage`,
      q ? [q.range.start, q.range.end, ...this.leadFilterParams(q)] : [],
    );
    return Object.values(DealStage).map((stage) => {
      const r = rows.find((x) => x.stage === stage);
      return { stage, count: Number(r?.count ?? 0), totalValue: Number(r?.total ?? 0) };
    });
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
    // Computed apart from the service's JavaScript split: every day of each spend in SQL, day i of n
    // getting floor(cents / n) plus one cent while i < cents mod n, then kept when it falls in the range.
    const { filter, range } = q;
    const rows = await this.sql<{ day: string; source: LeadSource; cents: string }[]>(
      `select to_char(d.day, 'YYYY-MM-DD') as day, s.source::text as source,
              floor(s.cents / s.n) + case when d.i < s.cents % s.n then 1 else 0 end as cents
         from (select source, period_start, round(amount * 100)::bigint as cents,
                      (period_end - period_start + 1)::bigint as n
                 from marketing_spend
                where (?::lead_source[] is null or source = any(?::lead_source[]))
                  and (?::uuid[] is null or campaign_id = any(?::uuid[]))) s
         cross join lateral (select s.period_start + g::int as day, g as i from generate_series(0, s.n - 1) g) d
        where d.day between ?::date and ?::date`,
      [
        nullableArray(filter.sources),
        nullableArray(filter.sources),
        nullableArray(filter.campaignIds),
        nullableArray(filter.campaignIds),
        range.from,
        range.to,
      ],
    );
    return rows.map((r) => ({ day: r.day, source: r.source, cents: Number(r.cents) }));
  }

  /**
   * The cohort — leads created in the range that match the filter — as their rows of
   * analytics_lead_facts (kept by triggers; see the analytics_lead_facts migration).
   */
  private factsSql(): string {
    return `select f.* from (${RAW_FACTS}) f
             where f.created_at >= ? and f.created_at < ? and ${this.leadFilterSql('f', 'lead_id')}`;
  }

  private cohortParams(q: AnalyticsQuery): unknown[] {
    return [q.range.start, q.range.end, ...this.leadFilterParams(q)];
  }

  /** The filter over rows of `leads` (or of analytics_lead_facts, whose lead id is `lead_id`). */
  private leadFilterSql(l: string, id = 'id'): string {
    return `(?::lead_source[] is null or ${l}.source = any(?::lead_source[]))
        and (?::uuid[] is null or ${l}.assigned_user_id = any(?::uuid[]))
        and (?::text[] is null or exists (select 1 from properties p
                                            where p.id = ${l}.property_id and p.tags && ?::text[]))
        and (?::uuid[] is null or exists (select 1 from campaign_recipients cr
                                            where cr.lead_id = ${l}.${id} and cr.campaign_id = any(?::uuid[])))`;
  }

  private leadFilterParams(q: AnalyticsQuery): unknown[] {
    const { sources, assignedUserIds, tags, campaignIds } = q.filter;
    return [sources, assignedUserIds, tags, campaignIds].flatMap((list) => [nullableArray(list), nullableArray(list)]);
  }
}
