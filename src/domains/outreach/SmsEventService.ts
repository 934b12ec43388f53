import type { EntityManager } from '@mikro-orm/postgresql';
import {
  Activity,
  CampaignRecipient,
  ConsentRecord,
  InboundMessage,
  Lead,
  OutboundMessage,
} from '../../../entities/index.js';
import {
  ActivityType,
  ConsentStatus,
  Direction,
  InboundKind,
  MessageChannel,
  MessageStatus,
  NotificationKind,
  RecipientStatus,
} from '../../../entities/enums.js';
import { isUniqueViolation } from '../../platform/errors/index.js';
import type { InboundSms, SmsStatusReport } from '../../platform/providers/sms/index.js';
import { Topics } from '../../platform/pubsub.js';
import * as v from '../../platform/validate.js';
import { publishPipelineEvent, PipelineEventType } from '../events.js';
import { NotificationService } from '../notifications/NotificationService.js';
import type { ServiceScope } from '../scope.js';
import { refreshScores } from '../underwriting/score-store.js';
import { RecipientTransitions } from './recipient-status.js';

/** Carrier-standard keywords (CTIA), matched against the whole message, any case, trailing punctuation ignored. */
const OPT_OUT_WORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT']);
const OPT_IN_WORDS = new Set(['START', 'UNSTOP']);
const HELP_WORDS = new Set(['HELP', 'INFO']);

export function classifyInbound(body: string): InboundKind {
  const word = body
    .trim()
    .replace(/[\s.!?]+$/u, '')
    .replace(/[\s-]+/g, '')
    .toUpperCase();
  if (OPT_OUT_WORDS.has(word)) return InboundKind.OPT_OUT;
  if (OPT_IN_WORDS.has(word)) return InboundKind.OPT_IN;
  if (HELP_WORDS.has(word)) return InboundKind.HELP;
  return InboundKind.REPLY;
}

const REPORTED = {
  delivered: RecipientStatus.DELIVERED,
  undelivered: RecipientStatus.BOUNCED,
  failed: RecipientStatus.FAILED,
} as const;

/**
 * What the SMS gateway tells us — delivery reports and inbound messages — the same whether they came
 * from Twilio's webhooks or the offline adapter (entered through src/platform/providers/sms/events.ts).
 */
export class SmsEventService {
  constructor(private readonly scope: ServiceScope) {}

  /**
   * A delivery report: the campaign recipient with that provider message id moves from SENT to
   * DELIVERED, BOUNCED (undelivered) or FAILED; a report that arrives after a reply or twice changes
   * nothing. A report can beat the worker's own record of the send (the carrier answers within
   * milliseconds, the batch is marked SENT when its sends are done): then it is tried again for a few
   * seconds instead of being lost.
   */
  async recordStatus(report: SmsStatusReport): Promise<void> {
    const target = REPORTED[report.status as keyof typeof REPORTED];
    if (!target) return;
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.applyStatus(report, target);
      if (outcome !== 'not-recorded-yet' || attempt >= 8) return;
      await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 1_500)));
    }
  }

  private async applyStatus(
    report: SmsStatusReport,
    target: (typeof REPORTED)[keyof typeof REPORTED],
  ): Promise<'applied' | 'ignored' | 'not-recorded-yet'> {
    const { em, deps } = this.scope;
    const recipient = await em.findOne(
      CampaignRecipient,
      { providerMessageId: report.providerMessageId },
      { fields: ['id', 'campaignId', 'status'] as never, disableIdentityMap: true },
    );
    if (!recipient) return this.applyToMessage(report, target);
    const error =
      target === RecipientStatus.DELIVERED
        ? null
        : `Carrier reported ${report.status}${report.errorCode ? ` (error ${report.errorCode})` : ''}`;
    if (!(await new RecipientTransitions(em).carrierReport(recipient.id, target, error)))
      return recipient.status === RecipientStatus.SENDING ? 'not-recorded-yet' : 'ignored';
    const { organizationId } = report;
    deps.pubsub.publish(Topics.CAMPAIGNS, organizationId, { organizationId, campaignId: recipient.campaignId });
    return 'applied';
  }

  /** The same report for a one-to-one text (outbound_messages): SENT → DELIVERED or UNDELIVERED. */
  private async applyToMessage(
    report: SmsStatusReport,
    target: (typeof REPORTED)[keyof typeof REPORTED],
  ): Promise<'applied' | 'ignored' | 'not-recorded-yet'> {
    const { em } = this.scope;
    const message = await em.findOne(
      OutboundMessage,
      { providerMessageId: report.providerMessageId },
      { fields: ['id', 'status'] as never, disableIdentityMap: true },
    );
    if (!message) return 'not-recorded-yet';
    const delivered = target === RecipientStatus.DELIVERED;
    const changed = await em.nativeUpdate(
      OutboundMessage,
      { id: message.id, status: MessageStatus.SENT },
      delivered
        ? { status: MessageStatus.DELIVERED, deliveredAt: new Date() }
        : {
            status: MessageStatus.UNDELIVERED,
            error: `Carrier reported ${report.status}${report.errorCode ? ` (error ${report.errorCode})` : ''}`,
          },
    );
    return changed ? 'applied' : 'ignored';
  }

  /**
   * An SMS from a lead. Recorded once per provider message id. STOP-type keywords opt the number out
   * across the organization (consent ledger, source SMS_STOP) — every later send to it is skipped —
   * and START opts it back in (SMS_START). Every message lands on the timeline of the leads with that
   * number as an inbound SMS activity; the latest campaign message sent to the number becomes
   * REPLIED or OPTED_OUT; an INBOUND_SMS event goes to the organization's subscribers.
   */
  async recordInbound(message: InboundSms): Promise<InboundMessage | null> {
    const { organizationId } = message;
    let from: string;
    try {
      from = v.phone(message.from, 'From');
    } catch {
      from = message.from.trim(); // short codes and alphanumeric senders are kept as given
    }
    let result: { row: InboundMessage; leads: Lead[]; campaignId: string | null } | null;
    try {
      result = await this.scope.em.transactional((em) =>
        storeInbound(em, message, from, classifyInbound(message.body)),
      );
    } catch (err) {
      if (isUniqueViolation(err)) return null; // the same message, handled by a concurrent delivery
      throw err;
    }
    if (!result) return null;
    const { pubsub } = this.scope.deps;
    pubsub.publish(Topics.INBOUND, organizationId, { organizationId, inboundMessageId: result.row.id });
    if (result.campaignId)
      pubsub.publish(Topics.CAMPAIGNS, organizationId, { organizationId, campaignId: result.campaignId });
    await this.afterInbound(result.row, result.leads);
    return result.row;
  }

  /**
   * For each lead with the sender's number: the score (inbound engagement) recomputed, MESSAGE_RECEIVED on
   * the organization's feed, and a REPLY_RECEIVED notification to the lead's assignee.
   */
  private async afterInbound(row: InboundMessage, leads: Lead[]): Promise<void> {
    const { em } = this.scope;
    await refreshScores(
      em,
      leads.flatMap((l) => (l.propertyId ? [l.propertyId] : [])),
    );
    const notifications = new NotificationService(this.scope);
    for (const lead of leads) {
      publishPipelineEvent(this.scope, row.organizationId, PipelineEventType.MESSAGE_RECEIVED, {
        leadId: lead.id,
        propertyId: lead.propertyId,
        inboundMessageId: row.id,
      });
      if (row.kind === InboundKind.REPLY || row.kind === InboundKind.OPT_OUT)
        await notifications.notifyOther(null, {
          userId: lead.assignedUserId,
          kind: NotificationKind.REPLY_RECEIVED,
          title: `${lead.firstName} ${lead.lastName} ${row.kind === InboundKind.OPT_OUT ? 'opted out' : 'replied'}`,
          body: row.body.slice(0, 500),
          leadId: lead.id,
          dedupeKey: `reply:${row.id}:${lead.id}`,
        });
    }
  }
}

/**
 * The inbound message, its consent entry (STOP/START), the leads' timeline entries and the recipient's status, in one
 * transaction.
 */
async function storeInbound(em: EntityManager, message: InboundSms, from: string, kind: InboundKind) {
  const now = new Date();
  if (await em.count(InboundMessage, { providerMessageId: message.providerMessageId })) return null;
  const [leads, recipient] = await Promise.all([
    em.find(
      Lead,
      { phone: from },
      {
        fields: ['id', 'propertyId', 'assignedUserId', 'firstName', 'lastName'] as never,
      },
    ),
    em.findOne(
      CampaignRecipient,
      { toAddress: from, sentAt: { $ne: null } },
      { orderBy: { sentAt: 'desc' }, fields: ['id', 'campaignId', 'status'] as never },
    ),
  ]);
  const body = message.body.slice(0, 5_000);
  const row = em.create(InboundMessage, {
    channel: MessageChannel.SMS,
    fromAddress: from,
    toAddress: message.to,
    body,
    kind,
    providerMessageId: message.providerMessageId,
    leadId: leads[0]?.id,
    campaignRecipientId: recipient?.id,
    receivedAt: now,
  });
  if (kind === InboundKind.OPT_OUT || kind === InboundKind.OPT_IN)
    em.create(ConsentRecord, {
      channel: MessageChannel.SMS,
      contactPoint: from,
      status: kind === InboundKind.OPT_OUT ? ConsentStatus.OPTED_OUT : ConsentStatus.OPTED_IN,
      source: kind === InboundKind.OPT_OUT ? 'SMS_STOP' : 'SMS_START',
      evidence: `Inbound SMS "${message.body.slice(0, 200)}" to ${message.to} (${message.providerMessageId})`,
      recordedAt: now,
    });
  for (const lead of leads)
    em.create(Activity, {
      leadId: lead.id,
      type: ActivityType.SMS,
      direction: Direction.INBOUND,
      body,
      outcome: kind,
      occurredAt: now,
    });
  const to = kind === InboundKind.OPT_OUT ? RecipientStatus.OPTED_OUT : RecipientStatus.REPLIED;
  const moved =
    !!recipient &&
    kind !== InboundKind.OPT_IN &&
    (await new RecipientTransitions(em).advance(recipient.id, to, { repliedAt: now }));
  await em.flush();
  return { row, leads, campaignId: moved ? recipient.campaignId : null };
}
