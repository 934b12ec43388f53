import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Subscription } from 'type-graphql';
import { DealStage, LeadSource, Role } from '../../entities/enums.js';
import { MarketingSpend } from '../../entities/MarketingSpend.js';
import { User } from '../../entities/User.js';
import { MANAGERS, organizationSubscription } from '../../src/platform/auth/auth-checker.js';
import { checkRangeShape } from '../../src/domains/analytics/range.js';
import { Topics } from '../../src/platform/pubsub.js';
import type { Context } from '../../src/platform/context.js';
import { Parent } from '../common/Parent.js';
import {
  Analytics,
  AnalyticsBucket,
  AnalyticsRebuild,
  AnalyticsFilterInput,
  AnalyticsRangeInput,
  CampaignPerformance,
  CampaignPoint,
  Forecast,
  FunnelGroup,
  FunnelGroupingName,
  FunnelStep,
  RevenueReport,
  SeriesMetricName,
  SeriesPoint,
  SourceRoi,
  StageDuration,
  StuckDeals,
  TeamMember,
  Velocity,
} from './AnalyticsTypes.js';
import { MarketingSpendInput } from './SpendInput.js';

/**
 * The organization's analytics channel; the range and filter are checked when subscribing (their
 * shape here; ids of the organization on each push), so a bad one is refused at once.
 */
const analyticsTopic = (() => {
  const base = organizationSubscription(Topics.ANALYTICS);
  type Subscribe = Parameters<typeof base.topicId>[0];
  return {
    ...base,
    topicId: (data: Subscribe) => {
      checkRangeShape(data.args.range as AnalyticsRangeInput);
      return base.topicId(data);
    },
  };
})();

@Resolver(() => Analytics)
export class AnalyticsResolver {
  @Authorized()
  @Query(() => Analytics, {
    description: 'Funnel, source ROI, stage durations and revenue for a range of days (docs/analytics.md)',
  })
  async analytics(
    @Arg('range') range: AnalyticsRangeInput,
    @Ctx() ctx: Context,
    @Arg('filter', () => AnalyticsFilterInput, { nullable: true }) filter?: AnalyticsFilterInput,
  ): Promise<Analytics> {
    const query = await ctx.services.analytics.query(range, filter ?? {});
    const { from, to, timeZone } = query.range;
    return Object.assign(new Analytics(), { query, range: { from, to, timeZone } });
  }

  /**
   * The same sections, pushed whenever the organization's numbers move on: after each window of
   * changes (ANALYTICS_WINDOW_MS, 250 ms by default) the analytics job folds them in and every
   * subscriber gets the sections it selected, recomputed, once — a burst of changes is a handful of
   * pushes, the last equal to a fresh query. Other organizations' changes are never routed here.
   */
  @Authorized()
  @Subscription(() => Analytics, {
    ...analyticsTopic,
    description:
      'The selected analytics sections for a range and filter, pushed after each window of changes in your ' +
      'organization (docs/analytics.md)',
  })
  async analyticsUpdated(
    @Arg('range') range: AnalyticsRangeInput,
    @Ctx() ctx: Context,
    @Arg('filter', () => AnalyticsFilterInput, { nullable: true }) filter?: AnalyticsFilterInput,
  ): Promise<Analytics> {
    ctx.renew(); // a fresh EntityManager for every push
    return this.analytics(range, ctx, filter);
  }

  @FieldResolver(() => [FunnelStep], { description: 'Leads created in the range, step by step to a won deal' })
  funnel(@Parent() a: Analytics, @Ctx() ctx: Context): Promise<FunnelStep[]> {
    return ctx.services.analytics.funnel(a.query);
  }

  @FieldResolver(() => [SourceRoi], { description: 'Per lead source: spend, leads, outcomes, costs and ROI' })
  sourceRoi(@Parent() a: Analytics, @Ctx() ctx: Context): Promise<SourceRoi[]> {
    return ctx.services.analytics.sourceRoi(a.query);
  }

  @FieldResolver(() => [StageDuration], { description: 'Per deal stage: visits begun in the range and their days' })
  stageDurations(@Parent() a: Analytics, @Ctx() ctx: Context): Promise<StageDuration[]> {
    return ctx.services.analytics.stageDurations(a.query);
  }

  @FieldResolver(() => RevenueReport)
  revenue(
    @Parent() a: Analytics,
    @Ctx() ctx: Context,
    @Arg('bucket', () => AnalyticsBucket, { defaultValue: AnalyticsBucket.MONTH }) bucket: AnalyticsBucket,
  ): Promise<RevenueReport> {
    return ctx.services.analytics.revenue(a.query, bucket);
  }

  @FieldResolver(() => [FunnelGroup], { description: 'The funnel per source, agent or month created' })
  funnelBy(
    @Parent() a: Analytics,
    @Arg('by', () => FunnelGroupingName) by: FunnelGroupingName,
    @Ctx() ctx: Context,
  ): Promise<FunnelGroup[]> {
    return ctx.services.analytics.funnelBy(a.query, by);
  }

  @FieldResolver(() => StuckDeals, { description: 'Open deals in the stage longer than that percentile of visits' })
  stuckDeals(
    @Parent() a: Analytics,
    @Arg('stage', () => DealStage) stage: DealStage,
    @Ctx() ctx: Context,
    @Arg('olderThanPercentile', () => Int, { defaultValue: 90 }) olderThanPercentile: number,
  ): Promise<StuckDeals> {
    return ctx.services.analytics.stuckDeals(a.query, stage, olderThanPercentile);
  }

  @FieldResolver(() => Forecast, {
    description: 'The open pipeline now, weighted by stage close rates (range and filter do not apply)',
  })
  forecast(@Parent() a: Analytics, @Ctx() ctx: Context): Promise<Forecast> {
    return ctx.services.analytics.forecast(a.query);
  }

  @FieldResolver(() => [SeriesPoint], { description: 'A metric per bucket over the range, empty buckets as 0' })
  series(
    @Parent() a: Analytics,
    @Arg('metric', () => SeriesMetricName) metric: SeriesMetricName,
    @Ctx() ctx: Context,
    @Arg('bucket', () => AnalyticsBucket, { defaultValue: AnalyticsBucket.WEEK }) bucket: AnalyticsBucket,
  ): Promise<SeriesPoint[]> {
    return ctx.services.analytics.series(a.query, metric, bucket);
  }

  @FieldResolver(() => Velocity)
  velocity(@Parent() a: Analytics, @Ctx() ctx: Context): Promise<Velocity> {
    return ctx.services.analytics.velocity(a.query);
  }

  @FieldResolver(() => [TeamMember], { description: 'Per team member (an AGENT sees their own row only)' })
  team(@Parent() a: Analytics, @Ctx() ctx: Context): Promise<TeamMember[]> {
    return ctx.services.analytics.team(a.query);
  }

  @FieldResolver(() => [CampaignPerformance], { description: 'Per campaign with sends in the range' })
  campaignPerformance(@Parent() a: Analytics, @Ctx() ctx: Context): Promise<CampaignPerformance[]> {
    return ctx.services.analytics.campaignPerformance(a.query);
  }

  @Authorized([Role.OWNER])
  @Mutation(() => AnalyticsRebuild, {
    description: 'Recompute the analytics facts from the raw rows; reports how many had drifted (OWNER)',
  })
  rebuildAnalytics(@Ctx() ctx: Context): Promise<AnalyticsRebuild> {
    return ctx.services.analytics.rebuild();
  }

  @Authorized(MANAGERS)
  @Mutation(() => MarketingSpend, { description: 'Record what a lead source (or campaign) cost over a period' })
  recordMarketingSpend(@Arg('input') input: MarketingSpendInput, @Ctx() ctx: Context): Promise<MarketingSpend> {
    return ctx.services.spend.record(input);
  }

  @Authorized(MANAGERS)
  @Mutation(() => MarketingSpend)
  updateMarketingSpend(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: MarketingSpendInput,
    @Ctx() ctx: Context,
  ): Promise<MarketingSpend> {
    return ctx.services.spend.update(id, input);
  }

  @Authorized(MANAGERS)
  @Mutation(() => Boolean)
  deleteMarketingSpend(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.spend.delete(id);
  }

  @Authorized()
  @Query(() => [MarketingSpend], { description: 'Spend whose period overlaps the range, earliest first' })
  async marketingSpend(
    @Arg('range') range: AnalyticsRangeInput,
    @Ctx() ctx: Context,
    @Arg('source', () => LeadSource, { nullable: true }) source?: LeadSource,
  ): Promise<MarketingSpend[]> {
    const q = await ctx.services.analytics.query(range);
    return ctx.services.spend.list(q.range.from, q.range.to, source);
  }
}

@Resolver(() => CampaignPerformance)
export class CampaignPerformanceResolver {
  @FieldResolver(() => [CampaignPoint], {
    description: 'Per bucket of the range, by the day each message was sent; buckets add up to the totals',
  })
  series(
    @Parent() p: CampaignPerformance,
    @Ctx() ctx: Context,
    @Arg('bucket', () => AnalyticsBucket, { defaultValue: AnalyticsBucket.WEEK }) bucket: AnalyticsBucket,
  ): CampaignPoint[] {
    return ctx.services.analytics.campaignSeries(p, bucket);
  }
}

@Resolver(() => TeamMember)
export class TeamMemberResolver {
  @FieldResolver(() => User, { nullable: true })
  user(@Parent() m: TeamMember, @Ctx() ctx: Context): Promise<User | null> {
    return ctx.loaders.user.load(m.userId);
  }
}
