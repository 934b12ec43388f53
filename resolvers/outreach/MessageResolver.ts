import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver } from 'type-graphql';
import { OutboundMessage } from '../../entities/OutboundMessage.js';
import { WRITERS } from '../../src/platform/auth/auth-checker.js';
import type { Context } from '../../src/platform/context.js';
import { Parent } from '../common/Parent.js';

@Resolver(() => OutboundMessage)
export class MessageResolver {
  @Authorized(WRITERS)
  @Mutation(() => OutboundMessage, {
    description:
      'Emails one lead from an EMAIL template. Refused (BAD_USER_INPUT, nothing queued) when the lead has no ' +
      ('email or the address is on the do-not-contact list, opted out or never opted in. Sent by the outreach ' +
        'job; follow it with jobProgress(jobId) or read the message again.'),
  })
  sendLeadEmail(
    @Arg('leadId', () => ID) leadId: string,
    @Arg('templateId', () => ID) templateId: string,
    @Ctx() ctx: Context,
  ): Promise<OutboundMessage> {
    return ctx.services.messages.sendEmail(leadId, templateId);
  }

  @Authorized(WRITERS)
  @Mutation(() => OutboundMessage, {
    description:
      'Texts one lead from the organization’s number: a typed body or an SMS template (one of them). Refused ' +
      '(BAD_USER_INPUT, nothing queued) without a phone, an SMS number or consent (DNC, STOP, no opt-in). ' +
      'Outside the texting hours in the lead’s time zone it waits (QUEUED, scheduledFor).',
  })
  sendLeadSms(
    @Arg('leadId', () => ID) leadId: string,
    @Ctx() ctx: Context,
    @Arg('body', () => String, { nullable: true }) body?: string | null,
    @Arg('templateId', () => ID, { nullable: true }) templateId?: string | null,
  ): Promise<OutboundMessage> {
    return ctx.services.messages.sendSms(leadId, { body, templateId });
  }

  @Authorized()
  @Query(() => OutboundMessage)
  message(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<OutboundMessage> {
    return ctx.services.messages.get(id);
  }

  @Authorized()
  @Query(() => [OutboundMessage], { description: 'Messages sent to one lead, newest first' })
  leadMessages(@Arg('leadId', () => ID) leadId: string, @Ctx() ctx: Context): Promise<OutboundMessage[]> {
    return ctx.services.messages.forLead(leadId);
  }

  @FieldResolver(() => ID, { description: 'The outreach job that sends it (job, jobProgress)' })
  jobId(@Parent() m: OutboundMessage): string {
    return `send-${m.id}`;
  }
}
