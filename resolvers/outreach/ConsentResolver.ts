import { Arg, Authorized, Ctx, Field, ID, InputType, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { ConsentRecord } from '../../entities/ConsentRecord.js';
import { DoNotContact } from '../../entities/DoNotContact.js';
import { ConsentStatus, MessageChannel } from '../../entities/enums.js';
import { MANAGERS, WRITERS } from '../../src/platform/auth/auth-checker.js';
import type { Context } from '../../src/platform/context.js';
import { LeadFilterInput } from '../leads/LeadArgs.js';

@InputType()
export class RecordConsentInput {
  @Field(() => MessageChannel) channel!: MessageChannel;
  @Field({ description: 'An email address (EMAIL) or phone number (SMS)' }) contactPoint!: string;
  @Field(() => ConsentStatus) status!: ConsentStatus;
  @Field({ description: 'WEB_FORM, CALL, SMS_REPLY, EMAIL_UNSUBSCRIBE, IMPORT, MANUAL…' }) source!: string;
  @Field({ nullable: true }) evidence?: string;
  @Field({ nullable: true, description: 'When the consent was given or withdrawn (default now)' }) recordedAt?: Date;
}

@InputType({ description: 'Leads to record consent for (leadIds or filter, not both) and what they consented to' })
export class RecordConsentBulkInput {
  @Field(() => [ID], { nullable: true, description: 'At most 10,000' }) leadIds?: string[];
  @Field(() => LeadFilterInput, { nullable: true, description: 'At most 50,000 matching leads' })
  filter?: LeadFilterInput;
  @Field(() => [MessageChannel], { description: 'SMS records the lead’s phone, EMAIL their email' })
  channels!: MessageChannel[];
  @Field(() => ConsentStatus, { defaultValue: ConsentStatus.OPTED_IN }) status!: ConsentStatus;
  @Field({ description: 'Where the consent came from (required), e.g. WEB_FORM, PURCHASED_LIST_OPT_IN' })
  source!: string;
  @Field({ description: 'Proof (required): a form URL, a recording, a signed document reference' }) evidence!: string;
  @Field({ nullable: true, description: 'When it was given (default now; not in the future)' }) recordedAt?: Date;
}

@ObjectType({ simpleResolvers: true })
export class ConsentBulkResult {
  @Field(() => Int, { description: 'Leads the ids or filter matched' }) leadsMatched!: number;
  @Field(() => Int, { description: 'Ledger entries appended (one per lead and channel with a contact point)' })
  recorded!: number;
  @Field(() => Int, { description: 'Lead-channel pairs skipped: the lead has no phone (SMS) or email (EMAIL)' })
  skippedNoContactPoint!: number;
}

@ObjectType({ simpleResolvers: true })
export class ContactStatus {
  @Field({ description: 'May the organization message this contact point on this channel now?' }) allowed!: boolean;
  @Field(() => String, {
    nullable: true,
    description: 'DNC, OPTED_OUT, BOUNCED_BEFORE (on the suppression list) or NO_CONSENT when not allowed',
  })
  reason!: string | null;
  @Field(() => ConsentRecord, { nullable: true }) latest!: ConsentRecord | null;
}

@Resolver()
export class ConsentResolver {
  @Authorized(WRITERS)
  @Mutation(() => ConsentRecord, { description: 'Add to the consent ledger (records are never changed, only added)' })
  recordConsent(@Arg('input') input: RecordConsentInput, @Ctx() ctx: Context): Promise<ConsentRecord> {
    return ctx.services.consent.record(input);
  }

  @Authorized(WRITERS)
  @Mutation(() => ConsentBulkResult, {
    description:
      'Appends consent for many leads at once (ids or a lead filter), with a required source and evidence; ' +
      'all or nothing',
  })
  recordConsentBulk(@Arg('input') input: RecordConsentBulkInput, @Ctx() ctx: Context): Promise<ConsentBulkResult> {
    return ctx.services.consent.recordBulk(input);
  }

  @Authorized()
  @Query(() => ContactStatus, { description: 'The send-time decision for a contact point' })
  consentStatus(
    @Arg('channel', () => MessageChannel) channel: MessageChannel,
    @Arg('contactPoint') contactPoint: string,
    @Ctx() ctx: Context,
  ): Promise<ContactStatus> {
    return ctx.services.consent.status(channel, contactPoint);
  }

  @Authorized()
  @Query(() => [ConsentRecord], { description: 'The ledger for a contact point, newest first' })
  consentHistory(
    @Arg('channel', () => MessageChannel) channel: MessageChannel,
    @Arg('contactPoint') contactPoint: string,
    @Ctx() ctx: Context,
  ): Promise<ConsentRecord[]> {
    return ctx.services.consent.history(channel, contactPoint);
  }

  @Authorized()
  @Query(() => [DoNotContact])
  doNotContact(@Ctx() ctx: Context): Promise<DoNotContact[]> {
    return ctx.services.consent.doNotContact();
  }

  @Authorized(WRITERS)
  @Mutation(() => DoNotContact, { description: 'Never message this email or phone again (idempotent)' })
  addDoNotContact(
    @Arg('contactPoint') contactPoint: string,
    @Ctx() ctx: Context,
    @Arg('reason', () => String, { nullable: true }) reason?: string | null,
  ): Promise<DoNotContact> {
    return ctx.services.consent.addDoNotContact(contactPoint, reason);
  }

  @Authorized(MANAGERS)
  @Mutation(() => Boolean, { description: 'Take a contact point off the do-not-contact list (OWNER/ADMIN)' })
  removeDoNotContact(@Arg('contactPoint') contactPoint: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.consent.removeDoNotContact(contactPoint);
  }
}
