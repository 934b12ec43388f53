import {
  Arg,
  Args,
  Authorized,
  Ctx,
  Extensions,
  Field,
  FieldResolver,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Subscription,
} from 'type-graphql';
import { FANOUT_EXTENSION } from '../../src/platform/graphql/fanout-key.js';
import { Campaign } from '../../entities/Campaign.js';
import { CampaignRecipient } from '../../entities/CampaignRecipient.js';
import { MessageChannel, RecipientStatus, SkipReason } from '../../entities/enums.js';
import { Lead } from '../../entities/Lead.js';
import { MessageTemplate } from '../../entities/MessageTemplate.js';
import { organizationSubscription, WRITERS } from '../../src/platform/auth/auth-checker.js';
import type { Context } from '../../src/platform/context.js';
import { NotFoundError } from '../../src/platform/errors/index.js';
import { Topics, type CampaignEventPayload } from '../../src/platform/pubsub.js';
import { Connection, PageArgs, pageRequest, toConnection, type ConnectionShape } from '../common/Connection.js';
import { Parent } from '../common/Parent.js';
import { LeadFilterInput } from '../leads/LeadArgs.js';

const CampaignRecipientConnection = Connection(CampaignRecipient, 'CampaignRecipient');

@InputType()
export class CreateCampaignInput {
  @Field() name!: string;
  @Field(() => MessageChannel) channel!: MessageChannel;
  @Field(() => ID) templateId!: string;
  @Field(() => LeadFilterInput, {
    nullable: true,
    description: 'Which leads; evaluated at launch. All leads when empty.',
  })
  audience?: LeadFilterInput;
  @Field({ nullable: true, description: 'Start sending at this time (default: at launch)' }) startAt?: Date;
  @Field(() => Int, { nullable: true, description: 'Recipient-local hour the sending window opens (default 9)' })
  windowStartHour?: number;
  @Field(() => Int, { nullable: true, description: 'Recipient-local hour it closes, exclusive (default 20)' })
  windowEndHour?: number;
  @Field(() => Int, { nullable: true, description: 'Skip leads another campaign messaged within this many days' })
  frequencyCapDays?: number;
}

@ObjectType({ simpleResolvers: true })
export class SkipCount {
  @Field(() => SkipReason) reason!: SkipReason;
  @Field(() => Int) count!: number;
}

@ObjectType({ simpleResolvers: true, description: 'Recipients by status' })
export class CampaignStats {
  @Field(() => Int) total!: number;
  @Field(() => Int) queued!: number;
  @Field(() => Int) sending!: number;
  @Field(() => Int, { description: 'Messages that went out (SENT and every later status)' }) sent!: number;
  @Field(() => Int, { description: 'SMS the carrier delivered (and not yet replied to)' }) delivered!: number;
  @Field(() => Int, { description: 'Refused for good by the mail server or the carrier' }) bounced!: number;
  @Field(() => Int, { description: 'Emails opened (pixel loaded), not clicked' }) opened!: number;
  @Field(() => Int, { description: 'Emails whose tracked link was followed' }) clicked!: number;
  @Field(() => Int, { description: 'SMS answered by the lead' }) replied!: number;
  @Field(() => Int, { description: 'Recipients who opted out in answer (STOP, unsubscribe link)' }) optedOut!: number;
  @Field(() => Int) skipped!: number;
  @Field(() => Int) failed!: number;
  @Field(() => Int) cancelled!: number;
  @Field(() => Int, { description: 'Queued recipients waiting for their sending window' }) deferred!: number;
  @Field(() => [SkipCount]) skippedByReason!: SkipCount[];
}

@Resolver(() => Campaign)
export class CampaignResolver {
  @Authorized()
  @Query(() => [Campaign], { description: 'Newest first' })
  campaigns(@Ctx() ctx: Context): Promise<Campaign[]> {
    return ctx.services.campaigns.list();
  }

  @Authorized()
  @Query(() => Campaign)
  campaign(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Campaign> {
    return ctx.services.campaigns.get(id);
  }

  @Authorized(WRITERS)
  @Mutation(() => Campaign, { description: 'A DRAFT campaign; nothing is sent until launchCampaign' })
  createCampaign(@Arg('input') input: CreateCampaignInput, @Ctx() ctx: Context): Promise<Campaign> {
    return ctx.services.campaigns.create(input);
  }

  @Authorized(WRITERS)
  @Mutation(() => Campaign, {
    description:
      'Snapshots the audience into recipients and enqueues the sends (the email or sms queue, in batches). ' +
      'Follow it with campaignProgress(id).',
  })
  launchCampaign(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Campaign> {
    return ctx.services.campaigns.launch(id);
  }

  @Authorized(WRITERS)
  @Mutation(() => Campaign, { description: 'Sends not yet made wait until resumeCampaign' })
  pauseCampaign(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Campaign> {
    return ctx.services.campaigns.pause(id);
  }

  @Authorized(WRITERS)
  @Mutation(() => Campaign)
  resumeCampaign(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Campaign> {
    return ctx.services.campaigns.resume(id);
  }

  @Authorized(WRITERS)
  @Mutation(() => Campaign, { description: 'Sends not yet made are CANCELLED' })
  cancelCampaign(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Campaign> {
    return ctx.services.campaigns.cancel(id);
  }

  @Authorized()
  @Extensions({ [FANOUT_EXTENSION]: 'organization' })
  @Subscription(() => Campaign, {
    ...organizationSubscription(Topics.CAMPAIGNS, (payload, args) => payload.campaignId === args.id),
    description: 'One of your campaigns, each time its status or counts change (at most a few times a second)',
  })
  async campaignProgress(
    @Arg('id', () => ID) _id: string,
    @Parent() payload: CampaignEventPayload,
    @Ctx() ctx: Context,
  ): Promise<Campaign> {
    ctx.renew(); // a fresh EntityManager for every event
    const campaign = await ctx.services.campaigns.get(payload.campaignId).catch(() => null);
    if (!campaign) throw new NotFoundError('Campaign', payload.campaignId);
    return campaign;
  }

  @FieldResolver(() => CampaignStats)
  stats(@Parent() c: Campaign, @Ctx() ctx: Context): Promise<CampaignStats> {
    return ctx.services.campaigns.stats(c);
  }

  @FieldResolver(() => CampaignRecipientConnection, {
    description: 'In a stable order (the launch that added them, then id; sends do not move them), a page at a time',
  })
  async recipients(
    @Parent() c: Campaign,
    @Ctx() ctx: Context,
    @Args() page: PageArgs,
    @Arg('status', () => RecipientStatus, { nullable: true }) status?: RecipientStatus,
    @Arg('reason', () => SkipReason, { nullable: true }) reason?: SkipReason,
  ): Promise<ConnectionShape<CampaignRecipient>> {
    return toConnection(await ctx.services.campaigns.recipients(c, { status, reason }, pageRequest(page)));
  }

  @FieldResolver(() => MessageTemplate, { nullable: true })
  template(@Parent() c: Campaign, @Ctx() ctx: Context): Promise<MessageTemplate | null> {
    return ctx.services.templates.get(c.templateId).catch(() => null);
  }
}

@Resolver(() => CampaignRecipient)
export class CampaignRecipientResolver {
  @FieldResolver(() => Lead, { nullable: true })
  lead(@Parent() r: CampaignRecipient, @Ctx() ctx: Context): Promise<Lead | null> {
    return ctx.loaders.lead.load(r.leadId);
  }
}
