import {
  Activity,
  Lead,
  MessageTemplate,
  Organization,
  OutboundMessage,
  Property,
  Suppression,
} from '../../../entities/index.js';
import { ActivityType, Direction, MessageChannel, MessageStatus, SuppressionReason } from '../../../entities/enums.js';
import { PermanentJobFailure } from '../../platform/jobs/job-run.js';
import type { SendMessageJob } from '../../platform/jobs/queues.js';
import { textToHtml } from '../../platform/mail/html.js';
import { isPermanentSmtpFailure } from '../../platform/mail/Mailer.js';
import { ValidationError } from '../../platform/errors/index.js';
import { SmsSendError } from '../../platform/providers/sms/index.js';
import * as v from '../../platform/validate.js';
import { nextWindowOpening, timeZoneForState } from './send-window.js';
import { withOptOutNotice } from './template.js';
import { canContact, normalizeContactPoint } from './ConsentService.js';
import { loadSender, renderForLead } from './TemplateService.js';
import { findOrNotFound, requireActor, type ServiceScope } from '../scope.js';

/**
 * One-to-one outreach by email or text: renders a template (or takes a typed text) for one lead,
 * records the message as QUEUED and hands it to the `send-message` job (workers/send-message.ts),
 * which checks consent again and sends it.
 */
export class MessageService {
  constructor(private readonly scope: ServiceScope) {}

  /**
   * Refuses up front what could never be sent (no email on the lead, an SMS or archived template,
   * a blocked contact point), so a bad request changes nothing; the worker repeats the consent
   * check at send time because consent can change while the message waits.
   */
  async sendEmail(leadId: string, templateId: string): Promise<OutboundMessage> {
    const actor = requireActor(this.scope);
    const { em } = this.scope;
    const lead = await findOrNotFound(em, Lead, leadId, 'Lead');
    const template = await findOrNotFound(em, MessageTemplate, templateId, 'MessageTemplate');
    if (template.channel !== MessageChannel.EMAIL)
      throw new ValidationError('This is an SMS template; choose an EMAIL template', 'templateId');
    if (template.archivedAt) throw new ValidationError('This template is archived', 'templateId');
    if (!lead.email) throw new ValidationError('This lead has no email address', 'leadId');
    const to = normalizeContactPoint(MessageChannel.EMAIL, lead.email, 'leadId');
    const decision = await canContact(em, MessageChannel.EMAIL, to);
    if (!decision.allowed) throw new ValidationError(`${to} may not be emailed: ${decision.reason}`, 'leadId');
    const { subject, body } = await renderForLead(
      em,
      template,
      lead,
      await loadSender(em, actor.id, actor.organizationId),
    );
    const message = em.create(OutboundMessage, {
      leadId: lead.id,
      templateId: template.id,
      channel: MessageChannel.EMAIL,
      toAddress: to,
      subject: subject ?? undefined,
      body,
      status: MessageStatus.QUEUED,
      sentById: actor.id,
    });
    await em.flush();
    await this.scope.deps.queues.enqueueSend({ organizationId: actor.organizationId, messageId: message.id });
    return message;
  }

  /**
   * Texts one lead from the organization's number: a typed `body` or an SMS template. Refused up
   * front (BAD_USER_INPUT, nothing queued) without a usable phone, an SMS number, or consent (the
   * do-not-contact list, a STOP, no opt-in). Outside the organization's texting hours in the lead's
   * local time (the state of their property) the message waits, QUEUED with `scheduledFor`, until
   * the window opens. Template sends carry the opt-out notice, as campaign texts do.
   */
  async sendSms(leadId: string, input: { body?: string | null; templateId?: string | null }): Promise<OutboundMessage> {
    const actor = requireActor(this.scope);
    const { em } = this.scope;
    const lead = await findOrNotFound(em, Lead, leadId, 'Lead');
    if (input.body == null && input.templateId == null) throw new ValidationError('Give body or templateId', 'body');
    if (input.body != null && input.templateId != null)
      throw new ValidationError('Give body or templateId, not both', 'templateId');
    const template = input.templateId ? await this.smsTemplate(input.templateId) : null;
    if (!lead.phone) throw new ValidationError('This lead has no phone number', 'leadId');
    const to = normalizeContactPoint(MessageChannel.SMS, lead.phone, 'leadId');
    const org = await em.findOneOrFail(Organization, { id: actor.organizationId });
    if (!org.smsNumber)
      throw new ValidationError('Set the organization’s SMS number first (setOrganizationSmsNumber)', 'leadId');
    const decision = await canContact(em, MessageChannel.SMS, to);
    if (!decision.allowed) throw new ValidationError(`${to} may not be texted: ${decision.reason}`, 'leadId');
    const body = template
      ? withOptOutNotice(
          (await renderForLead(em, template, lead, await loadSender(em, actor.id, actor.organizationId))).body,
        )
      : v.requiredText(input.body!, 'body', 1_600);
    const scheduledFor = await this.textingWindowOpens(lead, org, new Date());
    const message = em.create(OutboundMessage, {
      leadId: lead.id,
      templateId: template?.id,
      channel: MessageChannel.SMS,
      toAddress: to,
      body,
      status: MessageStatus.QUEUED,
      sentById: actor.id,
      scheduledFor: scheduledFor ?? undefined,
    });
    await em.flush();
    await this.scope.deps.queues.enqueueSend(
      { organizationId: actor.organizationId, messageId: message.id },
      scheduledFor,
    );
    return message;
  }

  private async smsTemplate(id: string): Promise<MessageTemplate> {
    const template = await findOrNotFound(this.scope.em, MessageTemplate, id, 'MessageTemplate');
    if (template.channel !== MessageChannel.SMS)
      throw new ValidationError('This is an EMAIL template; choose an SMS template', 'templateId');
    if (template.archivedAt) throw new ValidationError('This template is archived', 'templateId');
    return template;
  }

  /** Null inside the organization's texting hours in the lead's time zone, else when they next open. */
  private async textingWindowOpens(lead: Lead, org: Organization, at: Date): Promise<Date | null> {
    const property = lead.propertyId
      ? await this.scope.em.findOne(Property, { id: lead.propertyId }, { fields: ['state'] as never })
      : null;
    return nextWindowOpening(at, timeZoneForState(property?.state), org.smsWindowStartHour, org.smsWindowEndHour);
  }

  get(id: string): Promise<OutboundMessage> {
    return findOrNotFound(this.scope.em, OutboundMessage, id, 'OutboundMessage');
  }

  /** A lead's messages, newest first. */
  async forLead(leadId: string): Promise<OutboundMessage[]> {
    const lead = await findOrNotFound(this.scope.em, Lead, leadId, 'Lead');
    return this.scope.em.find(OutboundMessage, { leadId: lead.id }, { orderBy: { createdAt: 'desc', id: 'desc' } });
  }

  /**
   * The `send-message` job: checks consent again (it may have changed since the message was queued),
   * sends over SMTP, marks it SENT and puts an EMAIL activity on the lead's timeline. A message that
   * is not QUEUED any more is left alone, so a repeated job does not send twice. Delivery is at least
   * once: if the process dies between the SMTP reply and the update, the retry sends again with the
   * same Message-ID, which receiving servers and clients use to drop the duplicate.
   */
  async deliver(data: SendMessageJob): Promise<{ status: MessageStatus | 'GONE' }> {
    const { em } = this.scope;
    const message = await em.findOne(OutboundMessage, { id: data.messageId });
    if (!message) return { status: 'GONE' };
    if (message.status !== MessageStatus.QUEUED) return { status: message.status };
    const decision = await canContact(em, message.channel, message.toAddress);
    if (!decision.allowed) {
      Object.assign(message, { status: MessageStatus.BLOCKED, error: decision.reason });
      await em.flush();
      return { status: MessageStatus.BLOCKED };
    }
    if (message.channel === MessageChannel.SMS) return this.deliverSms(message, data);
    const providerMessageId = await this.sendOverSmtp(message);
    Object.assign(message, { status: MessageStatus.SENT, providerMessageId, sentAt: new Date(), error: undefined });
    em.create(Activity, {
      leadId: message.leadId,
      type: ActivityType.EMAIL,
      direction: Direction.OUTBOUND,
      body: message.subject ? `${message.subject}\n\n${message.body}` : message.body,
      outcome: 'SENT',
      occurredAt: message.sentAt!,
      userId: message.sentById,
    });
    await em.flush();
    return { status: MessageStatus.SENT };
  }

  /**
   * A one-to-one text at send time: still inside the texting window (a job that ran late waits
   * again), then the gateway. A permanent refusal (invalid number, carrier-level STOP) fails the
   * message and suppresses the number; others are retried by the job. Sent: SENT with the
   * gateway's id — its delivery report later makes it DELIVERED or UNDELIVERED — and an SMS entry
   * on the lead's timeline (which answers a waiting reply).
   */
  private async deliverSms(message: OutboundMessage, data: SendMessageJob): Promise<{ status: MessageStatus }> {
    const { em, deps } = this.scope;
    const [lead, org] = await Promise.all([
      em.findOne(Lead, { id: message.leadId }),
      em.findOneOrFail(Organization, { id: message.organizationId }),
    ]);
    if (!lead || !org.smsNumber) {
      const error = !lead ? 'The lead was deleted' : 'The organization has no SMS number';
      Object.assign(message, { status: MessageStatus.FAILED, error });
      await em.flush();
      return { status: MessageStatus.FAILED };
    }
    const opens = await this.textingWindowOpens(lead, org, new Date());
    if (opens) {
      message.scheduledFor = opens;
      await em.flush();
      await deps.queues.enqueueSend(data, opens);
      return { status: MessageStatus.QUEUED };
    }
    let providerMessageId: string;
    try {
      ({ providerMessageId } = await deps.sms.send({
        organizationId: message.organizationId,
        from: org.smsNumber,
        to: message.toAddress,
        body: message.body,
        statusCallbackUrl: `${deps.config.publicUrl}/webhooks/twilio/status?org=${message.organizationId}`,
      }));
    } catch (err) {
      if (!(err instanceof SmsSendError) || !err.permanent) throw err;
      Object.assign(message, { status: MessageStatus.FAILED, error: err.message.slice(0, 500) });
      await em.flush();
      await em
        .getRepository(Suppression)
        .suppress(
          message.organizationId,
          MessageChannel.SMS,
          message.toAddress,
          SuppressionReason.HARD_BOUNCE,
          err.message,
        );
      throw new PermanentJobFailure(`The SMS gateway refused the message: ${err.message}`);
    }
    Object.assign(message, { status: MessageStatus.SENT, providerMessageId, sentAt: new Date(), error: undefined });
    em.create(Activity, {
      leadId: message.leadId,
      type: ActivityType.SMS,
      direction: Direction.OUTBOUND,
      body: message.body,
      outcome: 'SENT',
      occurredAt: message.sentAt!,
      userId: message.sentById,
    });
    await em.flush();
    return { status: MessageStatus.SENT };
  }

  /** Sending gave up: a message still QUEUED is FAILED with the reason. */
  async deliveryGaveUp(data: SendMessageJob, error: string): Promise<void> {
    await this.scope.em.nativeUpdate(
      OutboundMessage,
      { id: data.messageId, status: MessageStatus.QUEUED },
      { status: MessageStatus.FAILED, error: error.slice(0, 500) },
    );
  }

  /** A refusal for good (5xx) suppresses the address and fails the job at once; others are retried. */
  private async sendOverSmtp(message: OutboundMessage): Promise<string> {
    const { deps, em } = this.scope;
    try {
      return await deps.mailer.send({
        from: deps.config.mailFrom,
        to: message.toAddress,
        subject: message.subject ?? '',
        text: message.body,
        html: textToHtml(message.body),
        messageId: `<${message.id}@${message.organizationId}.realestateos>`,
        headers: { 'X-Reos-Message-Id': message.id },
      });
    } catch (err) {
      if (!isPermanentSmtpFailure(err)) throw err;
      const reason = (err as Error).message;
      await em
        .getRepository(Suppression)
        .suppress(message.organizationId, message.channel, message.toAddress, SuppressionReason.HARD_BOUNCE, reason);
      throw new PermanentJobFailure(`The mail server refused the message: ${reason}`);
    }
  }
}
