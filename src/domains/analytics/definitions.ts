import { DealStage, type LeadSource } from '../../../entities/enums.js';
import { pgArray } from '../../platform/db/pg-array.js';
import { sortedSql } from './cohort.js';
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
  /**
   * The organization's analytics versions when asked, per kind of change (the table that changed:
   * `total weight:last id` of its change rows); none: answers are not cached (AnalyticsCache).
   */
  version?: Record<string, string>;
  /**
   * The UTC day the `@past` versions are of (changes to leads created before it): answers about
   * those leads are cached under them (AnalyticsService.cohort).
   */
  cut?: string;
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

export function round(x: number | null, digits = 2): number | null {
  if (x == null) return null;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function nullableArray(values: readonly string[] | null | undefined): string | null {
  return values?.length ? pgArray(values) : null;
}

export type FunnelGrouping = 'SOURCE' | 'AGENT' | 'MONTH_CREATED';

/** Where each step stands in a row of analytics_lead_facts `f`: reached at all, and its first time. */
const STEP_REACHED: Record<FunnelStep, string> = {
  CREATED: 'true',
  CONTACTED: 'f.contacted_at is not null',
  QUALIFIED: "(f.status = 'QUALIFIED' or f.deal_at is not null)",
  DEAL: 'f.deal_at is not null',
  OFFER_MADE: 'f.offer_at is not null',
  UNDER_CONTRACT: 'f.contract_at is not null',
  CLOSED_WON: 'f.won_at is not null',
};
/** A lead's QUALIFIED time, when known, is its first deal's. */
const STEP_TIME: Record<FunnelStep, string> = {
  CREATED: 'f.created_at',
  CONTACTED: 'f.contacted_at',
  QUALIFIED: 'f.deal_at',
  DEAL: 'f.deal_at',
  OFFER_MADE: 'f.offer_at',
  UNDER_CONTRACT: 'f.contract_at',
  CLOSED_WON: 'f.won_at',
};

/**
 * The funnel's aggregates over lead facts `f`: `c<i>`, the leads that reached step i or a later one,
 * and `m<i>`, the median days from step i − 1 to step i over the leads with both times in order.
 */
export function funnelAggregatesSql(): string {
  return FUNNEL_STEPS.map((step, i) => {
    const count = `count(*) filter (where ${FUNNEL_STEPS.slice(i)
      .map((s) => STEP_REACHED[s])
      .join(' or ')}) as c${i}`;
    if (i === 0) return `${count}, null as m0`;
    const [a, b] = [STEP_TIME[FUNNEL_STEPS[i - 1]!], STEP_TIME[step]];
    return `${count}, percentile_cont(0.5) within group (order by extract(epoch from ${b} - ${a}) / 86400)
                       filter (where ${b} >= ${a}) as m${i}`;
  }).join(',\n');
}

/**
 * The funnel's aggregates in two parts that add up (AnalyticsService.cohort): `c<i>` as above, and
 * for each step after the first the sorted days from the previous step (cohort.ts `sortedSql`,
 * named `m<i>`), around their median or all of them.
 */
export function funnelPartSql() {
  const medians = FUNNEL_STEPS.slice(1).map((step, j) => {
    const [a, b] = [STEP_TIME[FUNNEL_STEPS[j]!], STEP_TIME[step]];
    return sortedSql(`m${j + 1}`, `extract(epoch from ${b} - ${a}) / 86400`, `${b} >= ${a}`);
  });
  const counts = FUNNEL_STEPS.map(
    (_, i) =>
      `count(*) filter (where ${FUNNEL_STEPS.slice(i)
        .map((s) => STEP_REACHED[s])
        .join(' or ')}) as c${i}`,
  );
  return {
    inner: [...counts, ...medians.map((m) => m.inner)].join(',\n'),
    outer: (window: number) =>
      [...FUNNEL_STEPS.map((_, i) => `c${i}`), ...medians.map((m) => m.outer(window))].join(', '),
  };
}

/** Counts, conversions and median gaps of the funnel from its aggregates. */
export function funnelFromCounts(g: { counts: number[]; medians: (number | null)[] }): FunnelRow[] {
  const { counts } = g;
  return FUNNEL_STEPS.map((step, i) => ({
    step,
    count: counts[i]!,
    stepConversion: i === 0 || !counts[i - 1] ? null : counts[i]! / counts[i - 1]!,
    overallConversion: counts[0] ? counts[i]! / counts[0] : null,
    medianDaysFromPrevious: i === 0 ? null : round(g.medians[i] ?? null),
  }));
}
