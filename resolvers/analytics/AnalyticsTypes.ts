import type { CampaignDay } from '../../src/domains/analytics/AnalyticsService.js';
import { LocalDateResolver } from '../../src/platform/graphql/scalars.js';
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Deal } from '../../entities/Deal.js';
import { ActivityType, DealStage, LeadSource, MessageChannel } from '../../entities/enums.js';
import type {
  AnalyticsQuery,
  FunnelStep as FunnelStepName,
  RevenueBasis,
} from '../../src/domains/analytics/AnalyticsService.js';
import type { Bucket, RangePreset } from '../../src/domains/analytics/range.js';

export enum AnalyticsRangePreset {
  LAST_7_DAYS = 'LAST_7_DAYS',
  LAST_30_DAYS = 'LAST_30_DAYS',
  THIS_MONTH = 'THIS_MONTH',
  LAST_QUARTER = 'LAST_QUARTER',
  THIS_YEAR = 'THIS_YEAR',
  ALL_TIME = 'ALL_TIME',
}
registerEnumType(AnalyticsRangePreset, { name: 'AnalyticsRangePreset' });

export enum AnalyticsBucket {
  DAY = 'DAY',
  WEEK = 'WEEK',
  MONTH = 'MONTH',
  QUARTER = 'QUARTER',
}
registerEnumType(AnalyticsBucket, { name: 'AnalyticsBucket', description: 'Weeks start on Monday' });

export enum FunnelStepName_ {
  CREATED = 'CREATED',
  CONTACTED = 'CONTACTED',
  QUALIFIED = 'QUALIFIED',
  DEAL = 'DEAL',
  OFFER_MADE = 'OFFER_MADE',
  UNDER_CONTRACT = 'UNDER_CONTRACT',
  CLOSED_WON = 'CLOSED_WON',
}
registerEnumType(FunnelStepName_, { name: 'FunnelStepName' });

export enum RevenueBasisName {
  ASSIGNMENT_FEE = 'ASSIGNMENT_FEE',
  CONTRACT_MINUS_UNDERWRITING = 'CONTRACT_MINUS_UNDERWRITING',
  UNKNOWN = 'UNKNOWN',
}
registerEnumType(RevenueBasisName, { name: 'RevenueBasis' });

@InputType({ description: 'Whole days in the organization’s time zone: from/to (inclusive) or a preset' })
export class AnalyticsRangeInput {
  @Field(() => LocalDateResolver, { nullable: true })
  from?: string;

  @Field(() => LocalDateResolver, { nullable: true })
  to?: string;

  @Field(() => AnalyticsRangePreset, { nullable: true })
  preset?: RangePreset;
}

@InputType()
export class AnalyticsFilterInput {
  @Field(() => [LeadSource], { nullable: true })
  sources?: LeadSource[];

  @Field(() => [ID], { nullable: true, description: 'Leads assigned to these users' })
  assignedUserIds?: string[];

  @Field(() => [String], { nullable: true, description: 'Leads whose property has any of these tags' })
  tags?: string[];

  @Field(() => [ID], { nullable: true, description: 'Leads these campaigns were sent to; spend of these campaigns' })
  campaignIds?: string[];
}

@ObjectType({ simpleResolvers: true })
export class AnalyticsRange {
  @Field(() => LocalDateResolver)
  from!: string;

  @Field(() => LocalDateResolver)
  to!: string;

  @Field()
  timeZone!: string;
}

@ObjectType({ description: 'One step of the lead funnel', simpleResolvers: true })
export class FunnelStep {
  @Field(() => FunnelStepName_)
  step!: FunnelStepName;

  @Field(() => Int, { description: 'Leads that reached this step or a later one' })
  count!: number;

  @Field(() => Float, { nullable: true, description: 'count / the previous step’s count' })
  stepConversion!: number | null;

  @Field(() => Float, { nullable: true, description: 'count / leads created' })
  overallConversion!: number | null;

  @Field(() => Float, { nullable: true, description: 'Median days from the previous step (leads with both times)' })
  medianDaysFromPrevious!: number | null;
}

@ObjectType({ description: 'What a lead source cost and brought in', simpleResolvers: true })
export class SourceRoi {
  @Field(() => LeadSource)
  source!: LeadSource;

  @Field(() => Float, { description: 'Spend in the range (each spend spread evenly over its days)' })
  spend!: number;

  @Field(() => Int, { description: 'Leads created in the range' })
  leads!: number;

  @Field(() => Float, { nullable: true })
  costPerLead!: number | null;

  @Field(() => Int, { description: 'Of those leads: reached APPOINTMENT_SET or later' })
  appointments!: number;

  @Field(() => Float, { nullable: true })
  costPerAppointment!: number | null;

  @Field(() => Int, { description: 'Reached UNDER_CONTRACT or later' })
  contracts!: number;

  @Field(() => Int, { description: 'Reached CLOSED_WON' })
  closedDeals!: number;

  @Field(() => Float, { nullable: true })
  costPerDeal!: number | null;

  @Field(() => Float, { description: 'Revenue of their won deals (see RevenueBasis)' })
  revenue!: number;

  @Field(() => Float, { nullable: true, description: '(revenue − spend) / spend; null without spend' })
  roi!: number | null;
}

@ObjectType({ description: 'Time deals spend in one stage', simpleResolvers: true })
export class StageDuration {
  @Field(() => DealStage)
  stage!: DealStage;

  @Field(() => Int, { description: 'Times a deal entered the stage in the range' })
  entered!: number;

  @Field(() => Int, { description: 'Of those, still in it' })
  stillThere!: number;

  @Field(() => Float, { nullable: true, description: 'Days, over the visits that ended' })
  medianDays!: number | null;

  @Field(() => Float, { nullable: true })
  p75Days!: number | null;

  @Field(() => Float, { nullable: true })
  p90Days!: number | null;
}

@ObjectType({ simpleResolvers: true })
export class RevenuePoint {
  @Field(() => LocalDateResolver, { description: 'First day of the bucket' })
  start!: string;

  @Field(() => Int)
  closedWon!: number;

  @Field(() => Float)
  revenue!: number;
}

@ObjectType({ simpleResolvers: true })
export class RevenueBasisCount {
  @Field(() => RevenueBasisName)
  basis!: RevenueBasis;

  @Field(() => Int)
  deals!: number;
}

@ObjectType({ description: 'Deals won in the range and their revenue', simpleResolvers: true })
export class RevenueReport {
  @Field(() => AnalyticsBucket)
  bucket!: Bucket;

  @Field(() => Int)
  closedWon!: number;

  @Field(() => Float)
  revenue!: number;

  @Field(() => [RevenueBasisCount], { description: 'Where each deal’s revenue came from' })
  byBasis!: RevenueBasisCount[];

  @Field(() => [RevenuePoint], { description: 'Every bucket of the range, empty ones as zero' })
  series!: RevenuePoint[];
}

@ObjectType({ simpleResolvers: true })
export class WeekCount {
  @Field(() => LocalDateResolver, { description: 'The Monday the week starts on' })
  start!: string;

  @Field(() => Int)
  closed!: number;
}

@ObjectType({ description: 'How fast deals move', simpleResolvers: true })
export class Velocity {
  @Field(() => Float, { nullable: true, description: 'Lead created → first contract, over contracts in the range' })
  medianDaysLeadToContract!: number | null;

  @Field(() => Float, { nullable: true, description: 'Lead created → won, over deals won in the range' })
  medianDaysLeadToClose!: number | null;

  @Field(() => Int)
  contracts!: number;

  @Field(() => Int)
  closed!: number;

  @Field(() => [WeekCount], { description: 'Deals won per week (Monday to Sunday), every week of the range' })
  closedPerWeek!: WeekCount[];
}

@ObjectType({ simpleResolvers: true })
export class ActivityCount {
  @Field(() => ActivityType)
  type!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'One team member’s numbers for the range', simpleResolvers: true })
export class TeamMember {
  @Field(() => ID)
  userId!: string;

  @Field(() => Int, { description: 'Leads created in the range, assigned to them now' })
  leadsAssigned!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Median business minutes (Mon–Fri 9–17 local) from lead created to first outbound activity',
  })
  medianFirstResponseMinutes!: number | null;

  @Field(() => [ActivityCount], { description: 'Timeline entries they logged in the range' })
  activitiesByType!: ActivityCount[];

  @Field(() => Int, { description: 'Stage moves they made in the range' })
  dealsMoved!: number;

  @Field(() => Int, { description: 'Deals assigned to them that went under contract in the range' })
  contracts!: number;

  @Field(() => Float, { description: 'Revenue of deals assigned to them, won in the range' })
  closedRevenue!: number;
}

@ObjectType({ description: 'One campaign’s sends in the range and what became of them', simpleResolvers: true })
export class CampaignPerformance {
  @Field(() => ID)
  campaignId!: string;

  @Field(() => MessageChannel)
  channel!: string;

  @Field(() => Int)
  sent!: number;

  @Field(() => Int)
  delivered!: number;

  @Field(() => Int)
  opened!: number;

  @Field(() => Int)
  clicked!: number;

  @Field(() => Int)
  replied!: number;

  @Field(() => Int)
  optedOut!: number;

  @Field(() => Int)
  bounced!: number;

  @Field(() => Float, { nullable: true, description: 'Rates are of `sent`' })
  deliveryRate!: number | null;

  @Field(() => Float, { nullable: true })
  openRate!: number | null;

  @Field(() => Float, { nullable: true })
  clickRate!: number | null;

  @Field(() => Float, { nullable: true })
  replyRate!: number | null;

  @Field(() => Float, { nullable: true })
  optOutRate!: number | null;

  @Field(() => Float, { nullable: true })
  bounceRate!: number | null;

  /** Counts per local day of sending, which `series` buckets (not in the schema). */
  days!: CampaignDay[];
  range!: { from: string; to: string };
}

@ObjectType({ description: 'A campaign’s messages sent in one bucket, and what became of them', simpleResolvers: true })
export class CampaignPoint {
  @Field(() => LocalDateResolver, { description: 'First day of the bucket' })
  start!: string;

  @Field(() => Int)
  sent!: number;

  @Field(() => Int)
  delivered!: number;

  @Field(() => Int)
  opened!: number;

  @Field(() => Int)
  clicked!: number;

  @Field(() => Int)
  replied!: number;

  @Field(() => Int)
  optedOut!: number;

  @Field(() => Int)
  bounced!: number;
}

export enum SeriesMetricName {
  LEADS_CREATED = 'LEADS_CREATED',
  LEADS_CONTACTED = 'LEADS_CONTACTED',
  ACTIVITIES = 'ACTIVITIES',
  DEALS_CREATED = 'DEALS_CREATED',
  APPOINTMENTS = 'APPOINTMENTS',
  OFFERS = 'OFFERS',
  CONTRACTS = 'CONTRACTS',
  CLOSED_WON = 'CLOSED_WON',
  REVENUE = 'REVENUE',
  SPEND = 'SPEND',
}
registerEnumType(SeriesMetricName, { name: 'SeriesMetric' });

@ObjectType({ simpleResolvers: true })
export class SeriesPoint {
  @Field(() => LocalDateResolver, { description: 'First day of the bucket' })
  start!: string;

  @Field(() => Float)
  value!: number;
}

export enum FunnelGroupingName {
  SOURCE = 'SOURCE',
  AGENT = 'AGENT',
  MONTH_CREATED = 'MONTH_CREATED',
}
registerEnumType(FunnelGroupingName, { name: 'FunnelGrouping' });

@ObjectType({ simpleResolvers: true })
export class FunnelGroup {
  @Field(() => String, {
    nullable: true,
    description: 'The source, the assignee’s user id (null: unassigned) or the month created (YYYY-MM)',
  })
  key!: string | null;

  @Field(() => [FunnelStep])
  steps!: FunnelStep[];
}

@ObjectType({ description: 'Open deals in a stage for longer than most deals stay there', simpleResolvers: true })
export class StuckDeals {
  @Field(() => Float, { nullable: true, description: 'The percentile of finished visits in the range, in days' })
  thresholdDays!: number | null;

  @Field(() => [Deal], { description: 'Longest in the stage first (at most 200)' })
  deals!: Deal[];
}

@ObjectType({ simpleResolvers: true })
export class ForecastStage {
  @Field(() => DealStage)
  stage!: DealStage;

  @Field(() => Int)
  openDeals!: number;

  @Field(() => Float, { description: 'Contract price, else offer, summed' })
  value!: number;

  @Field(() => Int, { description: 'Closed deals that were once in this stage' })
  historicalClosed!: number;

  @Field(() => Int, { description: 'Of those, won' })
  historicalWon!: number;

  @Field(() => Float, { description: '(won + 20 × default) / (closed + 20)' })
  closeRate!: number;

  @Field(() => Float)
  expectedValue!: number;
}

@ObjectType({ simpleResolvers: true })
export class ForecastMonth {
  @Field(() => String, { nullable: true, description: 'YYYY-MM of the expected close date; null: not scheduled' })
  month!: string | null;

  @Field(() => Int)
  deals!: number;

  @Field(() => Float)
  expectedValue!: number;
}

@ObjectType({ description: 'The open pipeline weighted by the organization’s own close rates', simpleResolvers: true })
export class Forecast {
  @Field(() => Float)
  expectedValue!: number;

  @Field(() => [ForecastStage])
  stages!: ForecastStage[];

  @Field(() => [ForecastMonth])
  byMonth!: ForecastMonth[];
}

@ObjectType({ description: 'Analytics for a range and filter; each section is computed only when selected' })
export class Analytics {
  @Field(() => AnalyticsRange)
  range!: AnalyticsRange;

  query!: AnalyticsQuery;
}

@ObjectType({ simpleResolvers: true })
export class AnalyticsRebuild {
  @Field(() => Int, { description: 'Leads whose facts were recomputed' })
  leads!: number;

  @Field(() => Int, { description: 'Rows that differed from the raw data before (0 when all was exact)' })
  drifted!: number;
}
