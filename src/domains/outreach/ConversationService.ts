import { Lead, Notification } from '../../../entities/index.js';
import { NotificationKind } from '../../../entities/enums.js';
import * as v from '../../platform/validate.js';
import { findOrNotFound, requireActor, type ServiceScope } from '../scope.js';

export type ConversationDirection = 'INBOUND' | 'OUTBOUND';
export type ConversationSource = 'DIRECT' | 'CAMPAIGN' | 'INBOUND';

/** One message in a lead's conversation, whichever table it lives in. */
export interface ConversationMessage {
  id: string;
  direction: ConversationDirection;
  channel: 'EMAIL' | 'SMS';
  source: ConversationSource;
  subject: string | null;
  body: string | null;
  /** Outbound: QUEUED, SENT, DELIVERED, UNDELIVERED, BLOCKED, FAILED (campaigns: their statuses); inbound: the kind. */
  status: string;
  error: string | null;
  /** Sent (or received) at; for a message not sent yet, when it was queued. */
  at: Date;
  scheduledFor: Date | null;
  deliveredAt: Date | null;
  /** One-to-one messages: who sent it. */
  sentById: string | null;
  campaignId: string | null;
}

export interface Conversation {
  lead: Lead;
  messages: ConversationMessage[];
  /** Inbound messages after the conversation was last marked read. */
  unreadCount: number;
  readAt: Date | null;
}

interface Row {
  id: string;
  direction: ConversationDirection;
  channel: 'EMAIL' | 'SMS';
  source: ConversationSource;
  subject: string | null;
  body: string | null;
  status: string;
  error: string | null;
  at: Date | string;
  scheduled_for: Date | string | null;
  delivered_at: Date | string | null;
  sent_by_id: string | null;
  campaign_id: string | null;
}

const date = (d: Date | string | null): Date | null => (d == null ? null : d instanceof Date ? d : new Date(d));

/**
 * A lead's conversation: one-to-one emails and texts, campaign messages sent to them, and what they
 * sent us (every inbound message from their number), oldest first, with each message's delivery
 * status. Reading it is per lead for the team: `markRead` moves the lead's read mark, and the
 * caller's REPLY_RECEIVED notifications about the lead are marked read with it.
 */
export class ConversationService {
  constructor(private readonly scope: ServiceScope) {}

  async get(leadId: string, limitInput?: number | null): Promise<Conversation> {
    const { em } = this.scope;
    const lead = await findOrNotFound(em, Lead, leadId, 'Lead');
    const limit = v.intRange(limitInput ?? 100, 'limit', 1, 500)!;
    const rows = await em.execute<Row[]>(
      `select * from (
         select m.id, 'OUTBOUND' as direction, m.channel::text as channel, 'DIRECT' as source, m.subject, m.body,
                m.status::text as status, m.error, coalesce(m.sent_at, m.created_at) as at, m.scheduled_for,
                m.delivered_at, m.sent_by_id, null::uuid as campaign_id
           from outbound_messages m where m.lead_id = ?
         union all
         select r.id, 'OUTBOUND', c.channel::text, 'CAMPAIGN', null, null, r.status::text, r.error, r.sent_at, null,
                r.delivered_at, null, r.campaign_id
           from campaign_recipients r join campaigns c on c.id = r.campaign_id
          where r.lead_id = ? and r.sent_at is not null
         union all
         select i.id, 'INBOUND', i.channel::text, 'INBOUND', null, i.body, i.kind, null, i.received_at, null, null,
                null, null
           from inbound_messages i
          where i.lead_id = ? or (i.from_address = ? and ?::text is not null)
       ) x order by at desc, id limit ?`,
      [lead.id, lead.id, lead.id, lead.phone ?? '', lead.phone ?? null, limit],
    );
    const messages = rows.reverse().map((r) => ({
      id: r.id,
      direction: r.direction,
      channel: r.channel,
      source: r.source,
      subject: r.subject,
      body: r.body,
      status: r.status,
      error: r.error,
      at: date(r.at)!,
      scheduledFor: date(r.scheduled_for),
      deliveredAt: date(r.delivered_at),
      sentById: r.sent_by_id,
      campaignId: r.campaign_id,
    }));
    return { lead, messages, unreadCount: await this.unread(lead), readAt: lead.conversationReadAt ?? null };
  }

  /** Marks the lead's conversation read (for the team) and the caller's reply notifications about it. */
  async markRead(leadId: string): Promise<Conversation> {
    const actor = requireActor(this.scope);
    const { em } = this.scope;
    const lead = await findOrNotFound(em, Lead, leadId, 'Lead');
    lead.conversationReadAt = new Date();
    await em.flush();
    await em.nativeUpdate(
      Notification,
      { userId: actor.id, leadId: lead.id, kind: NotificationKind.REPLY_RECEIVED, readAt: null },
      { readAt: new Date() },
    );
    return this.get(lead.id);
  }

  private async unread(lead: Lead): Promise<number> {
    const rows = await this.scope.em.execute<{ n: string }[]>(
      `select count(*) as n from inbound_messages i
        where (i.lead_id = ? or (i.from_address = ? and ?::text is not null)) and i.received_at > ?`,
      [lead.id, lead.phone ?? '', lead.phone ?? null, lead.conversationReadAt ?? new Date(0)],
    );
    return Number(rows[0]!.n);
  }
}
