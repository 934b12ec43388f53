import { isUniqueViolation } from '../../platform/errors/index.js';
import { Activity, CampaignRecipient, ConsentRecord, InboundMessage, Lead } from '../../../entities/index.js';
import {
  ActivityType,
  ConsentStatus,
  Direction,
  InboundKind,
  MessageChannel,
  RecipientStatus,
  statusesBefore,
} from '../../../entities/enums.js';
import type { InboundSms, SmsEventSink, SmsStatusReport } from '../../platform/providers/sms/index.js';
import { Topics } from '../../platform/pubsub.js';
import type { AppDeps } from '../scope.js';
import { forkForTenant, runAsTenant } from '../../platform/tenancy/tenant-em.js';
import * as v from '../../platform/validate.js';

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

/** What delivery reports and inbound messages do — the same whether they came from Twilio's webhooks or the offline adapter. */
export function smsEventSink(deps: AppDeps): SmsEventSink {
  return {
    status: (report) => recordSmsStatus(deps, report),
    inbound: async (message) => {
      await recordInboundSms(deps, message);
    },
  };
}

/**
 * A delivery report: the campaign recipient with that provider message id moves from SENT to
 * DELIVERED, BOUNCED (undelivered) or FAILED; a report that arrives after a reply or twice changes
 * nothing. A report can beat the worker's own record of the send (the carrier answers within
 * milliseconds, the batch is marked SENT when its sends are done): then it is tried again for a few
 * seconds instead of being lost.
 */
export async function recordSmsStatus(deps: AppDeps, report: SmsStatusReport): Promise<void> {
  const target =
    report.status === 'delivered'
      ? RecipientStatus.DELIVERED
      : report.status === 'undelivered'
        ? RecipientStatus.BOUNCED
        : report.status === 'failed'
          ? RecipientStatus.FAILED
          : null;
  if (!target) return;
  for (let attempt = 0; ; attempt++) {
    const outcome = await runAsTenant(report.organizationId, () => applyStatus(deps, report, target));
    if (outcome !== 'not-recorded-yet' || attempt >= 8) return;
    await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 1_500)));
  }
}

async function applyStatus(
  deps: AppDeps,
  report: SmsStatusReport,
  target: RecipientStatus,
): Promise<'applied' | 'ignored' | 'not-recorded-yet'> {
  const em = forkForTenant(deps.orm, report.organizationId);
  const recipient = await em.findOne(
    CampaignRecipient,
    { providerMessageId: report.providerMessageId },
    { fields: ['id', 'campaignId', 'status'] as never, disableIdentityMap: true },
  );
  if (!recipient) return 'not-recorded-yet';
  const now = new Date();
  const changed = await em.nativeUpdate(
    CampaignRecipient,
    { id: recipient.id, status: RecipientStatus.SENT },
    target === RecipientStatus.DELIVERED
      ? { status: target, deliveredAt: now }
      : {
          status: target,
          error: `Carrier reported ${report.status}${report.errorCode ? ` (error ${report.errorCode})` : ''}`,
        },
  );
  if (!changed) return recipient.status === RecipientStatus.SENDING ? 'not-recorded-yet' : 'ignored';
  deps.pubsub.publish(Topics.CAMPAIGNS, report.organizationId, {
    organizationId: report.organizationId,
    campaignId: recipient.campaignId,
  });
  return 'applied';
}

/**
 * An SMS from a lead. Recorded once per provider message id. STOP-type keywords opt the number out
 * across the organization (consent ledger, source SMS_STOP) — every later send to it is skipped —
 * and START opts it back in (SMS_START). Every message lands on the timeline of the leads with that
 * number as an inbound SMS activity; the latest campaign message sent to the number becomes
 * REPLIED or OPTED_OUT; an INBOUND_SMS event goes to the organization's subscribers.
 */
export async function recordInboundSms(deps: AppDeps, message: InboundSms): Promise<InboundMessage | null> {
  const { organizationId } = message;
  let from: string;
  try {
    from = v.phone(message.from, 'From');
  } catch {
    from = message.from.trim(); // short codes and alphanumeric senders are kept as given
  }
  const kind = classifyInbound(message.body);
  const now = new Date();
  const result = await runAsTenant(organizationId, async () => {
    try {
      return await forkForTenant(deps.orm, organizationId).transactional(async (em) => {
        if (await em.count(InboundMessage, { providerMessageId: message.providerMessageId })) return null;
        const [leads, recipient] = await Promise.all([
          em.find(Lead, { phone: from }, { fields: ['id'] as never }),
          em.findOne(
            CampaignRecipient,
            { toAddress: from, sentAt: { $ne: null } },
            { orderBy: { sentAt: 'desc' }, fields: ['id', 'campaignId', 'status'] as never },
          ),
        ]);
        const row = em.create(InboundMessage, {
          organizationId,
          channel: MessageChannel.SMS,
          fromAddress: from,
          toAddress: message.to,
          body: message.body.slice(0, 5_000),
          kind,
          providerMessageId: message.providerMessageId,
          leadId: leads[0]?.id,
          campaignRecipientId: recipient?.id,
          receivedAt: now,
        });
        if (kind === InboundKind.OPT_OUT || kind === InboundKind.OPT_IN) {
          em.create(ConsentRecord, {
            organizationId,
            channel: MessageChannel.SMS,
            contactPoint: from,
            status: kind === InboundKind.OPT_OUT ? ConsentStatus.OPTED_OUT : ConsentStatus.OPTED_IN,
            source: kind === InboundKind.OPT_OUT ? 'SMS_STOP' : 'SMS_START',
            evidence: `Inbound SMS "${message.body.slice(0, 200)}" to ${message.to} (${message.providerMessageId})`,
            recordedAt: now,
          });
        }
        for (const lead of leads) {
          em.create(Activity, {
            organizationId,
            leadId: lead.id,
            type: ActivityType.SMS,
            direction: Direction.INBOUND,
            body: message.body.slice(0, 5_000),
            outcome: kind,
            occurredAt: now,
          });
        }
        let recipientChanged = false;
        if (recipient && kind !== InboundKind.OPT_IN) {
          const to = kind === InboundKind.OPT_OUT ? RecipientStatus.OPTED_OUT : RecipientStatus.REPLIED;
          recipientChanged =
            (await em.nativeUpdate(
              CampaignRecipient,
              { id: recipient.id, status: { $in: statusesBefore(to) } },
              { status: to, repliedAt: now },
            )) > 0;
        }
        await em.flush();
        return { row, campaignId: recipientChanged ? recipient!.campaignId : null };
      });
    } catch (err) {
      if (isUniqueViolation(err)) return null; // the same message, handled by a concurrent delivery
      throw err;
    }
  });
  if (!result) return null;
  deps.pubsub.publish(Topics.INBOUND, organizationId, { organizationId, inboundMessageId: result.row.id });
  if (result.campaignId)
    deps.pubsub.publish(Topics.CAMPAIGNS, organizationId, { organizationId, campaignId: result.campaignId });
  return result.row;
}
