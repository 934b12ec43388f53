import { Arg, Authorized, Ctx, Extensions, FieldResolver, Query, Resolver, Subscription } from 'type-graphql';
import { AnalyticsFilterInput, AnalyticsRangeInput } from '../analytics/AnalyticsTypes.js';
import { FANOUT_EXTENSION } from '../../src/platform/graphql/fanout-key.js';
import { Parent } from '../common/Parent.js';
import { Activity } from '../../entities/Activity.js';
import { Deal } from '../../entities/Deal.js';
import { InboundMessage } from '../../entities/InboundMessage.js';
import { Lead } from '../../entities/Lead.js';
import { Property } from '../../entities/Property.js';
import { Task } from '../../entities/Task.js';
import { User } from '../../entities/User.js';
import { organizationSubscription } from '../../src/platform/auth/auth-checker.js';
import type { Context } from '../../src/platform/context.js';
import { Topics, type PipelineEventPayload } from '../../src/platform/pubsub.js';
import { PipelineEvent, PipelineStage } from './PipelineTypes.js';

@Resolver(() => PipelineEvent)
export class PipelineResolver {
  @Authorized()
  @Query(() => [PipelineStage], {
    description: 'Count and value of deals per stage, every stage listed in pipeline order',
  })
  async pipeline(
    @Ctx() ctx: Context,
    @Arg('range', () => AnalyticsRangeInput, {
      nullable: true,
      description: 'Only deals created in these days (organization’s time zone)',
    })
    range?: AnalyticsRangeInput,
    @Arg('filter', () => AnalyticsFilterInput, { nullable: true, description: 'Only deals of leads matching it' })
    filter?: AnalyticsFilterInput,
  ): Promise<PipelineStage[]> {
    if (!range && !filter) return ctx.services.deals.pipeline();
    const q = await ctx.services.analytics.query(range ?? { preset: 'ALL_TIME' }, filter ?? {});
    return ctx.services.analytics.pipeline(q);
  }

  /**
   * Live pipeline for the caller's organization. The channel is chosen by the subscriber's own
   * organization, so events of other organizations are never routed to this socket.
   */
  @Authorized()
  @Extensions({ [FANOUT_EXTENSION]: 'organization' })
  @Subscription(() => PipelineEvent, {
    ...organizationSubscription(Topics.PIPELINE),
    description:
      'Every change to deals, leads, properties, tasks, timelines and inbound messages in your organization, ' +
      'with the changed object (deal, lead, property, task, activity, inboundMessage)',
  })
  pipelineEvents(@Parent() payload: PipelineEventPayload, @Ctx() ctx: Context): PipelineEvent {
    ctx.renew(); // a fresh EntityManager and loaders for every event
    return PipelineEvent.from(payload);
  }

  @FieldResolver(() => Deal, { nullable: true })
  deal(@Parent() e: PipelineEvent, @Ctx() ctx: Context): Promise<Deal | null> | null {
    return e.dealId ? ctx.loaders.deal.load(e.dealId) : null;
  }

  @FieldResolver(() => Lead, { nullable: true })
  lead(@Parent() e: PipelineEvent, @Ctx() ctx: Context): Promise<Lead | null> | null {
    return e.leadId ? ctx.loaders.lead.load(e.leadId) : null;
  }

  @FieldResolver(() => Property, { nullable: true })
  property(@Parent() e: PipelineEvent, @Ctx() ctx: Context): Promise<Property | null> | null {
    return e.propertyId ? ctx.loaders.property.load(e.propertyId) : null;
  }

  @FieldResolver(() => Task, { nullable: true, description: 'TASK_CREATED, TASK_COMPLETED' })
  task(@Parent() e: PipelineEvent, @Ctx() ctx: Context): Promise<Task | null> | null {
    return e.taskId ? ctx.loaders.task.load(e.taskId) : null;
  }

  @FieldResolver(() => Activity, { nullable: true, description: 'ACTIVITY_LOGGED: the timeline entry' })
  activity(@Parent() e: PipelineEvent, @Ctx() ctx: Context): Promise<Activity | null> | null {
    return e.activityId ? ctx.loaders.activity.load(e.activityId) : null;
  }

  @FieldResolver(() => InboundMessage, { nullable: true, description: 'MESSAGE_RECEIVED: the message' })
  inboundMessage(@Parent() e: PipelineEvent, @Ctx() ctx: Context): Promise<InboundMessage | null> | null {
    return e.inboundMessageId ? ctx.loaders.inboundMessage.load(e.inboundMessageId) : null;
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who made the change (null for background jobs)' })
  actor(@Parent() e: PipelineEvent, @Ctx() ctx: Context): Promise<User | null> | null {
    return e.actorUserId ? ctx.loaders.user.load(e.actorUserId) : null;
  }
}
