import { DealStage, type LeadSource } from '../../../entities/enums.js';
import { pgArray } from '../../platform/db/pg-array.js';
import { medianOf } from './range.js';
import type { ResolvedRange } from './range.js';

/**
 * What the analytics numbers are made of: the request's shape, the funnel's steps, the revenue of a
 * won deal, the forecast's defaults and the SQL fragments every section shares (docs/analytics.md).
 */
export interface AnalyticsFilter {
  sources?: LeadSource[] | null;
  assignedUserIds?: string[] | null;
  tags?: string[] | null;
  campaignIds?: string[] | null;
}

/** A resolved request: the range in the organization's time zone and a checked filter. */
export interface AnalyticsQuery {
  organizationId: string;
  range: ResolvedRange;
  filter: AnalyticsFilter;
}

export const FUNNEL_STEPS = [
  'CREATED',
  'CONTACTED',
  'QUALIFIED',
  'DEAL',
  'OFFER_MADE',
  'UNDER_CONTRACT',
  'CLOSED_WON',
] as const;
export type FunnelStep = (typeof FUNNEL_STEPS)[number];

export interface FunnelRow {
  step: FunnelStep;
  count: number;
  /** Of the previous step (null for the first, or when the previous is 0). */
  stepConversion: number | null;
  /** Of the leads created. */
  overallConversion: number | null;
  /** Median days from the previous step, over the leads that reached both. */
  medianDaysFromPrevious: number | null;
}

export type RevenueBasis = 'ASSIGNMENT_FEE' | 'CONTRACT_MINUS_UNDERWRITING' | 'UNKNOWN';

export const SERIES_METRICS = [
  'LEADS_CREATED',
  'LEADS_CONTACTED',
  'ACTIVITIES',
  'DEALS_CREATED',
  'APPOINTMENTS',
  'OFFERS',
  'CONTRACTS',
  'CLOSED_WON',
  'REVENUE',
  'SPEND',
] as const;
export type SeriesMetric = (typeof SERIES_METRICS)[number];

export const OPEN_STAGES = [
  DealStage.NEW,
  DealStage.CONTACTED,
  DealStage.APPOINTMENT_SET,
  DealStage.OFFER_MADE,
  DealStage.NEGOTIATION,
  DealStage.UNDER_CONTRACT,
] as const;
/** What a deal in each open stage closes at before an organization has history (docs/analytics.md). */
export const DEFAULT_CLOSE_RATES: Record<(typeof OPEN_STAGES)[number], number> = {
  NEW: 0.05,
  CONTACTED: 0.1,
  APPOINTMENT_SET: 0.2,
  OFFER_MADE: 0.3,
  NEGOTIATION: 0.45,
  UNDER_CONTRACT: 0.8,
};
/** How many closed deals of history weigh as much as the default. */
export const SHRINK_K = 20;

export const DAY = 86_400_000;
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

export function ms(value: Date | string): number {
  return (value instanceof Date ? value : new Date(value)).getTime();
}

export function round(x: number | null, digits = 2): number | null {
  if (x == null) return null;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function nullableArray(values: readonly string[] | null | undefined): string | null {
  return values?.length ? pgArray(values) : null;
}

export type FunnelGrouping = 'SOURCE' | 'AGENT' | 'MONTH_CREATED';

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
