import {
  Arg,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
} from 'type-graphql';
import { Lead } from '../../entities/Lead.js';
import { User } from '../../entities/User.js';
import type {
  Conversation as ConversationShape,
  ConversationDirection,
  ConversationMessage as MessageShape,
  ConversationSource,
} from '../../src/domains/outreach/ConversationService.js';
import { WRITERS } from '../../src/platform/auth/auth-checker.js';
import type { Context } from '../../src/platform/context.js';
import { Parent } from '../common/Parent.js';

@ObjectType({ description: 'One email or text to or from a lead', simpleResolvers: true })
export class ConversationMessage implements MessageShape {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'INBOUND (from the lead) or OUTBOUND' })
  direction!: ConversationDirection;

  @Field(() => String, { description: 'EMAIL or SMS' })
  channel!: 'EMAIL' | 'SMS';

  @Field(() => String, { description: 'DIRECT (sendLeadEmail/sendLeadSms), CAMPAIGN or INBOUND' })
  source!: ConversationSource;

  @Field(() => String, { nullable: true })
  subject!: string | null;

  @Field(() => String, { nullable: true, description: 'Null for campaign messages (see the campaign)' })
  body!: string | null;

  @Field({
    description:
      'Outbound: QUEUED, SENT, DELIVERED, UNDELIVERED, BLOCKED, FAILED (campaigns also BOUNCED, OPENED, CLICKED, ' +
      'REPLIED, OPTED_OUT); inbound: REPLY, OPT_OUT, OPT_IN or HELP',
  })
  status!: string;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field({ description: 'When it was sent or received (queued, for one not sent yet)' })
  at!: Date;

  @Field(() => Date, { nullable: true, description: 'A text held for the texting window goes out then' })
  scheduledFor!: Date | null;

  @Field(() => Date, { nullable: true })
  deliveredAt!: Date | null;

  @Field(() => ID, { nullable: true })
  campaignId!: string | null;

  sentById!: string | null;
}

@ObjectType({ description: 'Everything sent to and received from one lead, oldest first' })
export class Conversation implements ConversationShape {
  @Field(() => Lead)
  lead!: Lead;

  @Field(() => [ConversationMessage])
  messages!: ConversationMessage[];

  @Field(() => Int, { description: 'Messages from the lead since the conversation was last marked read' })
  unreadCount!: number;

  @Field(() => Date, { nullable: true })
  readAt!: Date | null;
}

@Resolver(() => ConversationMessage)
export class ConversationResolver {
  @Authorized()
  @Query(() => Conversation, { description: 'A lead’s emails and texts, both ways, with delivery status' })
  conversation(
    @Arg('leadId', () => ID) leadId: string,
    @Ctx() ctx: Context,
    @Arg('limit', () => Int, { nullable: true, description: 'The newest N (1–500, default 100)' }) limit?: number,
  ): Promise<Conversation> {
    return ctx.services.conversations.get(leadId, limit);
  }

  @Authorized(WRITERS)
  @Mutation(() => Conversation, {
    description: 'Marks the lead’s conversation read for the team, and your reply notifications about it',
  })
  markConversationRead(@Arg('leadId', () => ID) leadId: string, @Ctx() ctx: Context): Promise<Conversation> {
    return ctx.services.conversations.markRead(leadId);
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who sent it (one-to-one messages)' })
  sentBy(@Parent() m: ConversationMessage, @Ctx() ctx: Context): Promise<User | null> | null {
    return m.sentById ? ctx.loaders.user.load(m.sentById) : null;
  }
}
