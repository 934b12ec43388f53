import { Activity, Lead, MessageTemplate, OutboundMessage, Suppression } from '../../../entities/index.js';
import { ActivityType, Direction, MessageChannel, MessageStatus, SuppressionReason } from '../../../entities/enums.js';
import { PermanentJobFailure } from '../../platform/jobs/job-run.js';
import type { SendMessageJob } from '../../platform/jobs/queues.js';
import { textToHtml } from '../../platform/mail/html.js';
import { isPermanentSmtpFailure } from '../../platform/mail/Mailer.js';
import { ValidationError } from '../../platform/errors/index.js';
import { canContact, normalizeContactPoint } from './ConsentService.js';
import { loadSender, renderForLead } from './TemplateService.js';
import { findOrNotFound, requireActor, type ServiceScope } from '../scope.js';

/**
 * One-to-one outreach: renders a template for one lead, records the message as QUEUED and hands it
 * to the `email` queue (workers/send-message.ts), which checks consent again and sends it.
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
    if (message.channel !== MessageChannel.EMAIL)
      throw new PermanentJobFailure(`No sender for ${message.channel} messages`);
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
