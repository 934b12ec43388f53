import type { EntityManager } from '@mikro-orm/postgresql';
import { Lead, MessageTemplate, Organization, Property, User } from '../../../entities/index.js';
import { MessageChannel } from '../../../entities/enums.js';
import { isUniqueViolation, ValidationError } from '../../platform/errors/index.js';
import { mergeFieldsOf, render, withOptOutNotice, type MergeValues } from './template.js';
import * as v from '../../platform/validate.js';
import { findOrNotFound, requireActor, type ServiceScope } from '../scope.js';

export interface TemplateFields {
  name?: string | null;
  channel?: MessageChannel | null;
  subject?: string | null;
  body?: string | null;
}

export interface RenderedMessage {
  subject: string | null;
  body: string;
}

/** Who a message is from: the sending user's and the organization's names. */
export interface Sender {
  userName?: string;
  organizationName?: string;
}

export async function loadSender(
  em: EntityManager,
  userId: string | null | undefined,
  organizationId: string,
): Promise<Sender> {
  const [user, org] = await Promise.all([
    userId ? em.findOne(User, { id: userId }) : null,
    em.findOne(Organization, { id: organizationId }),
  ]);
  return { userName: user?.name, organizationName: org?.name };
}

/** Fills a template in for one lead, from `sender` (see loadSender; campaign sends cache it). */
export async function renderForLead(
  em: EntityManager,
  t: MessageTemplate,
  lead: Lead,
  sender: Sender,
): Promise<RenderedMessage> {
  const usesProperty = [t.body, t.subject ?? ''].some((text) =>
    mergeFieldsOf(text, 'body').some((f) => f.startsWith('property.')),
  );
  const property = usesProperty && lead.propertyId ? await em.findOne(Property, { id: lead.propertyId }) : null;
  const values: MergeValues = {
    'lead.firstName': lead.firstName,
    'lead.lastName': lead.lastName,
    'lead.fullName': `${lead.firstName} ${lead.lastName}`,
    'property.address': property?.addressLine,
    'property.city': property?.city,
    'property.state': property?.state,
    'property.zip': property?.zip,
    'user.name': sender.userName,
    'organization.name': sender.organizationName,
  };
  return { subject: t.subject ? render(t.subject, values) : null, body: render(t.body, values) };
}

/** Outreach templates; merge fields are checked when saving, so a send never meets an unknown one. */
export class TemplateService {
  constructor(private readonly scope: ServiceScope) {}

  list(channel?: MessageChannel | null): Promise<MessageTemplate[]> {
    return this.scope.em.find(
      MessageTemplate,
      { archivedAt: null, ...(channel ? { channel } : {}) },
      { orderBy: { name: 'asc', id: 'asc' } },
    );
  }

  get(id: string): Promise<MessageTemplate> {
    return findOrNotFound(this.scope.em, MessageTemplate, id, 'MessageTemplate');
  }

  async create(input: TemplateFields): Promise<MessageTemplate> {
    const actor = requireActor(this.scope);
    if (!input.channel) throw new ValidationError('input.channel is required', 'input.channel');
    const t = new MessageTemplate();
    t.organizationId = actor.organizationId;
    t.channel = input.channel;
    this.apply(t, input);
    return this.save(t);
  }

  async update(id: string, input: TemplateFields): Promise<MessageTemplate> {
    const t = await this.get(id);
    if (input.channel && input.channel !== t.channel)
      throw new ValidationError('A template cannot change channel; create a new one', 'input.channel');
    this.apply(t, input);
    return this.save(t);
  }

  async archive(id: string): Promise<MessageTemplate> {
    const t = await this.get(id);
    t.archivedAt ??= new Date();
    await this.scope.em.flush();
    return t;
  }

  /** The template filled in for one lead, as it would be sent. */
  /** The template filled in for a lead, exactly as it would be sent (SMS with its opt-out notice). */
  async preview(t: MessageTemplate, leadId: string): Promise<RenderedMessage> {
    const actor = requireActor(this.scope);
    const lead = await findOrNotFound(this.scope.em, Lead, leadId, 'Lead');
    const message = await renderForLead(
      this.scope.em,
      t,
      lead,
      await loadSender(this.scope.em, actor.id, actor.organizationId),
    );
    return t.channel === MessageChannel.SMS ? { ...message, body: withOptOutNotice(message.body) } : message;
  }

  private apply(t: MessageTemplate, i: TemplateFields): void {
    if (i.name != null) t.name = v.requiredText(i.name, 'input.name', 200);
    if (i.body != null)
      t.body = v.requiredText(i.body, 'input.body', t.channel === MessageChannel.SMS ? 1_600 : 100_000);
    if (i.subject !== undefined)
      t.subject = i.subject == null ? undefined : v.requiredText(i.subject, 'input.subject', 300);
    if (!t.name) throw new ValidationError('input.name is required', 'input.name');
    if (!t.body) throw new ValidationError('input.body is required', 'input.body');
    if (t.channel === MessageChannel.EMAIL && !t.subject)
      throw new ValidationError('An email template needs input.subject', 'input.subject');
    if (t.channel === MessageChannel.SMS && t.subject)
      throw new ValidationError('An SMS template has no subject', 'input.subject');
    mergeFieldsOf(t.body, 'input.body');
    if (t.subject) mergeFieldsOf(t.subject, 'input.subject');
  }

  private async save(t: MessageTemplate): Promise<MessageTemplate> {
    try {
      await this.scope.em.persist(t).flush();
      return t;
    } catch (err) {
      if (isUniqueViolation(err))
        throw new ValidationError(`A template named "${t.name}" already exists`, 'input.name');
      throw err;
    }
  }
}
