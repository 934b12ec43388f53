import { Arg, Args, Authorized, Ctx, Extensions, Mutation, Query, Resolver, Subscription } from 'type-graphql';
import { FANOUT_EXTENSION } from '../../src/platform/graphql/fanout-key.js';
import { InboundMessage } from '../../entities/InboundMessage.js';
import { Organization } from '../../entities/Organization.js';
import { MANAGERS, organizationSubscription, WRITERS } from '../../src/platform/auth/auth-checker.js';
import type { Context } from '../../src/platform/context.js';
import { NotFoundError } from '../../src/platform/errors/index.js';
import { Topics, type InboundEventPayload } from '../../src/platform/pubsub.js';
import { Connection, PageArgs, pageRequest, toConnection, type ConnectionShape } from '../common/Connection.js';
import { Parent } from '../common/Parent.js';

const InboundMessageConnection = Connection(InboundMessage, 'InboundMessage');

@Resolver()
export class SmsResolver {
  @Authorized(MANAGERS)
  @Mutation(() => Organization, {
    description:
      'The number SMS campaigns are sent from (E.164; null clears it). Point its Twilio "message comes in" ' +
      'webhook at /webhooks/twilio/sms.',
  })
  setOrganizationSmsNumber(
    @Arg('number', () => String, { nullable: true }) number: string | null | undefined,
    @Ctx() ctx: Context,
  ): Promise<Organization> {
    return ctx.services.sms.setNumber(number);
  }

  @Authorized()
  @Query(() => InboundMessageConnection, {
    description: 'Messages leads sent to the organization’s number, newest first, a page at a time',
  })
  async inboundMessages(@Ctx() ctx: Context, @Args() page: PageArgs): Promise<ConnectionShape<InboundMessage>> {
    return toConnection(await ctx.services.sms.inbound(pageRequest(page)));
  }

  @Authorized(WRITERS)
  @Mutation(() => InboundMessage, {
    description:
      'Offline SMS provider only: an SMS from `from` arrives at the organization’s number, handled exactly ' +
      'like a real inbound webhook (STOP/START/HELP keywords, reply tracking, timeline, event).',
  })
  simulateInboundSms(
    @Arg('from') from: string,
    @Arg('body') body: string,
    @Ctx() ctx: Context,
  ): Promise<InboundMessage> {
    return ctx.services.sms.simulateInbound(from, body);
  }

  @Authorized()
  @Extensions({ [FANOUT_EXTENSION]: 'organization' })
  @Subscription(() => InboundMessage, {
    ...organizationSubscription(Topics.INBOUND),
    description: 'Each message a lead sends to your organization (replies, STOP, START, HELP)',
  })
  async inboundMessageReceived(@Parent() payload: InboundEventPayload, @Ctx() ctx: Context): Promise<InboundMessage> {
    ctx.renew();
    const row = await ctx.em.findOne(InboundMessage, { id: payload.inboundMessageId }).catch(() => null);
    if (!row) throw new NotFoundError('InboundMessage', payload.inboundMessageId);
    return row;
  }
}
