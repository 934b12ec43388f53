import { Lead, MessageTemplate, OutboundMessage } from '../../../entities/index.js';
import { MessageChannel, MessageStatus } from '../../../entities/enums.js';
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
      organizationId: actor.organizationId,
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
}
