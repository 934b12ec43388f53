import { InboundMessage, Organization } from '../../../entities/index.js';
import type { Page, PageRequest } from '../../../entities/pagination.js';
import { isUniqueViolation, ValidationError } from '../../platform/errors/index.js';
import { OfflineSmsProvider } from '../../platform/providers/sms/index.js';
import * as v from '../../platform/validate.js';
import { requireActor, type ServiceScope } from '../scope.js';

/**
 * The organization's SMS number, and simulated inbound SMS. Sending is CampaignSender's; delivery
 * reports and inbound messages are SmsEventService's, reached from Twilio's webhooks
 * (src/platform/http/twilio.ts) or the offline adapter.
 */
export class SmsService {
  constructor(private readonly scope: ServiceScope) {}

  /** Sets (or, with null, clears) the number SMS campaigns are sent from; one organization per number. */
  async setNumber(number: string | null | undefined): Promise<Organization> {
    const actor = requireActor(this.scope);
    // An omitted argument reaches here as undefined: the same as null (clear it).
    const smsNumber = number == null || number.trim() === '' ? null : v.phone(number, 'number');
    try {
      await this.scope.em.nativeUpdate(Organization, { id: actor.organizationId }, { smsNumber });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ValidationError('Another organization already uses this number', 'number');
      throw err;
    }
    const org = await this.scope.em.findOneOrFail(Organization, { id: actor.organizationId }, {
      refresh: true,
    } as never);
    return org;
  }

  /** Messages received, newest first, a page at a time. */
  inbound(page: PageRequest): Promise<Page<InboundMessage>> {
    return this.scope.em.getRepository(InboundMessage).page(requireActor(this.scope).organizationId, page);
  }

  /**
   * Plays an SMS from `from` to the organization's number through the offline provider — the same
   * handling a real Twilio webhook gets. Only with SMS_PROVIDER=offline (the default).
   */
  async simulateInbound(from: string, body: string): Promise<InboundMessage> {
    const actor = requireActor(this.scope);
    const provider = this.scope.deps.sms;
    if (!(provider instanceof OfflineSmsProvider))
      throw new ValidationError(
        'simulateInboundSms works only with the offline SMS provider (SMS_PROVIDER=offline)',
        'from',
      );
    const phone = v.phone(from, 'from');
    const text = v.requiredText(body, 'body', 1_600);
    const org = await this.scope.em.findOne(Organization, { id: actor.organizationId });
    if (!org?.smsNumber)
      throw new ValidationError('Set the organization’s SMS number first (setOrganizationSmsNumber)', 'from');
    const sent = await provider.receive({
      organizationId: actor.organizationId,
      from: phone,
      to: org.smsNumber,
      body: text,
    });
    return this.scope.em.findOneOrFail(InboundMessage, { providerMessageId: sent.providerMessageId });
  }
}
