import type { Job } from 'bullmq';
import { Campaign, CampaignRecipient, Lead, MessageTemplate, Organization, Suppression } from '../entities/index.js';
import {
  ActivityType,
  CampaignStatus,
  type ConsentStatus,
  MessageChannel,
  RecipientStatus,
  SkipReason,
  SuppressionReason,
} from '../entities/enums.js';
import { mapUrls, textToHtml } from '../src/platform/mail/html.js';
import { isPermanentSmtpFailure } from '../src/platform/mail/Mailer.js';
import { nextWindowOpening } from '../src/domains/outreach/send-window.js';
import { withOptOutNotice } from '../src/domains/outreach/template.js';
import { clickToken, signRecipient } from '../src/domains/outreach/tracking.js';
import { unsubscribeToken } from '../src/domains/outreach/unsubscribe.js';
import { SmsSendError } from '../src/platform/providers/sms/index.js';
import { Topics } from '../src/platform/pubsub.js';
import type { CampaignSendJob } from '../src/platform/jobs/queues.js';
import { completeIfDone } from '../src/domains/outreach/CampaignService.js';
import { contactBlock, contactDecisionSql } from '../src/domains/outreach/ConsentService.js';
import type { AppDeps } from '../src/domains/scope.js';
import { loadSender, renderForLead, type Sender } from '../src/domains/outreach/TemplateService.js';
import { forkForTenant, runAsTenant } from '../src/platform/tenancy/tenant-em.js';

export type { CampaignSendJob };

type Em = ReturnType<typeof forkForTenant>;

/**
 * A batch of campaign recipients (up to CAMPAIGN_SEND_BATCH, one job), at send time: nothing while
 * the campaign is paused (recipients stay QUEUED for resume); CANCELLED when it was cancelled;
 * outside a recipient's sending window, or while another worker holds its claim, the recipient
 * gets a job of its own that waits until then. The rest are checked against consent and the
 * frequency cap (skips recorded with their reason), claimed (QUEUED → SENDING, one worker wins) in
 * one statement, sent concurrently (email with a Message-ID derived from the recipient), and marked
 * SENT with their timeline entries in one statement. The claim is what makes a replayed, retried or
 * duplicated job send at most once; the one gap — a worker killed between the server's reply and
 * marking SENT — is closed by reclaiming a stale claim and resending with the same Message-ID, which
 * the receiving side de-duplicates. A transient failure (SMTP 4xx, gateway outage) puts that
 * recipient back to QUEUED and fails the job, whose retry sends only what is still QUEUED.
 */
export function campaignSendProcessor(deps: AppDeps) {
  const content = new ContentCache();
  const lastAnnounced = new Map<string, number>();
  const announce = (organizationId: string, campaignId: string, force: boolean) => {
    const now = Date.now();
    if (!force && now - (lastAnnounced.get(campaignId) ?? 0) < 250) return;
    if (force)
      lastAnnounced.delete(campaignId); // completed: nothing more to throttle
    else lastAnnounced.set(campaignId, now);
    deps.pubsub.publish(Topics.CAMPAIGNS, organizationId, { organizationId, campaignId });
  };
  return (job: Job<CampaignSendJob>) =>
    runAsTenant(job.data.organizationId, async () => {
      const em = forkForTenant(deps.orm, job.data.organizationId);
      const result = await sendBatch(deps, em, job, content);
      if (result.changed) {
        const done = await completeIfDone({ em }, job.data.campaignId);
        announce(job.data.organizationId, job.data.campaignId, done);
      }
      if (result.retry) throw result.retry; // after recording what was sent; the retry sends the rest
      return { sent: result.sent, skipped: result.skipped, waiting: result.waiting };
    });
}

interface BatchResult {
  sent: number;
  skipped: number;
  /** Recipients handed to jobs of their own (sending window, another worker's claim). */
  waiting: number;
  changed: boolean;
  retry: Error | null;
}

interface Delivery {
  state: SendState;
  providerMessageId: string;
  body: string;
}

async function sendBatch(
  deps: AppDeps,
  em: Em,
  job: Job<CampaignSendJob>,
  content: ContentCache,
): Promise<BatchResult> {
  const { organizationId, campaignId } = job.data;
  const result: BatchResult = { sent: 0, skipped: 0, waiting: 0, changed: false, retry: null };
  const ids = recipientIdsOf(job.data);
  // A replay of a dead-lettered batch (replayJob) tries its FAILED recipients once more; those SENT
  // meanwhile, or skipped, are left alone, so a replay never repeats a send.
  if (job.id?.includes('-replay-')) {
    const reopened = await em.nativeUpdate(CampaignRecipient, { id: { $in: ids }, status: RecipientStatus.FAILED }, {
      status: RecipientStatus.QUEUED,
      error: null,
    } as never);
    if (reopened)
      await em.nativeUpdate(Campaign, { id: campaignId, status: CampaignStatus.COMPLETED }, {
        status: CampaignStatus.RUNNING,
        completedAt: null,
      } as never);
  }
  const states = await loadSendStates(em, organizationId, campaignId, ids);
  if (!states.length) return result;
  const campaign = states[0]!.campaign;
  if (campaign.status === CampaignStatus.CANCELLED) {
    result.changed =
      (await em.nativeUpdate(
        CampaignRecipient,
        { id: { $in: ids }, status: RecipientStatus.QUEUED },
        { status: RecipientStatus.CANCELLED },
      )) > 0;
    return result;
  }
  if (
    campaign.status === CampaignStatus.PAUSED ||
    campaign.status === CampaignStatus.DRAFT ||
    campaign.status === CampaignStatus.COMPLETED
  )
    return result;
  if (campaign.status === CampaignStatus.SCHEDULED) {
    await em.nativeUpdate(
      Campaign,
      { id: campaign.id, status: CampaignStatus.SCHEDULED },
      { status: CampaignStatus.RUNNING },
    );
  }

  const now = Date.now();
  const staleBefore = now - deps.config.sendClaimStaleMs;
  const skips = new Map<string, { reason: SkipReason; stale: boolean; ids: string[] }>();
  const fresh: SendState[] = [];
  const stale: SendState[] = [];
  for (const state of states) {
    const { recipient } = state;
    const isStale = recipient.status === RecipientStatus.SENDING && recipient.updatedAt.getTime() < staleBefore;
    if (recipient.status === RecipientStatus.SENDING && !isStale) {
      // Another worker holds the claim (or died holding it): a job of its own comes back when the claim would be stale.
      await deps.queues.enqueueCampaignFollowUp(
        campaign.channel,
        organizationId,
        campaignId,
        recipient.id,
        new Date(recipient.updatedAt.getTime() + deps.config.sendClaimStaleMs + 1_000),
      );
      result.waiting++;
      continue;
    }
    if (recipient.status !== RecipientStatus.QUEUED && !isStale) continue; // done already
    const opens = nextWindowOpening(
      new Date(now),
      recipient.timeZone ?? 'America/Chicago',
      campaign.windowStartHour,
      campaign.windowEndHour,
    );
    if (opens && !isStale) {
      await em.nativeUpdate(
        CampaignRecipient,
        { id: recipient.id, status: RecipientStatus.QUEUED },
        { reason: SkipReason.QUIET_HOURS_DEFERRED, deferredUntil: opens },
      );
      await deps.queues.enqueueCampaignFollowUp(campaign.channel, organizationId, campaignId, recipient.id, opens);
      result.waiting++;
      result.changed = true;
      continue;
    }
    const reason =
      (contactBlock(state.dnc, state.consentStatus, state.suppressed) as SkipReason | null) ??
      (state.capped ? SkipReason.FREQUENCY_CAP : null);
    if (reason) {
      const key = `${reason}:${isStale}`;
      skips.set(key, { reason, stale: isStale, ids: [...(skips.get(key)?.ids ?? []), recipient.id] });
      continue;
    }
    (isStale ? stale : fresh).push(state);
  }
  // Only from the state that was read (QUEUED, or a claim still stale): a worker that claimed the
  // recipient meanwhile keeps it.
  for (const { reason, stale: fromStale, ids: skipped } of skips.values()) {
    result.skipped += await em.nativeUpdate(
      CampaignRecipient,
      fromStale
        ? { id: { $in: skipped }, status: RecipientStatus.SENDING, updatedAt: { $lt: new Date(staleBefore) } }
        : { id: { $in: skipped }, status: RecipientStatus.QUEUED },
      { status: RecipientStatus.SKIPPED, reason, deferredUntil: null } as never,
    );
    result.changed = true;
  }

  // Claim: of every job that gets here for a recipient, one proceeds.
  const claimed = new Set<string>();
  if (fresh.length) {
    const rows = await em.execute<{ id: string }[]>(
      `update campaign_recipients set status = 'SENDING', updated_at = now()
        where organization_id = ? and status = 'QUEUED' and id = any(array(select jsonb_array_elements_text(?::jsonb)::uuid)) returning id`,
      [organizationId, JSON.stringify(fresh.map((s) => s.recipient.id))],
    );
    for (const r of rows) claimed.add(r.id);
  }
  for (const s of stale) {
    const took = await em.nativeUpdate(
      CampaignRecipient,
      { id: s.recipient.id, status: RecipientStatus.SENDING, updatedAt: { $lt: new Date(staleBefore) } },
      { status: RecipientStatus.SENDING, updatedAt: new Date() },
    );
    if (took === 1) claimed.add(s.recipient.id);
  }
  const mine = [...fresh, ...stale].filter((s) => claimed.has(s.recipient.id));
  if (!mine.length) return result;
  result.changed = true;

  const shared = await content.get(em, campaign);
  const sms = campaign.channel === MessageChannel.SMS;
  const delivered: Delivery[] = [];
  await Promise.all(
    mine.map(async (state) => {
      const { recipient, lead } = state;
      if (!lead || !shared.template)
        return void (await release(em, recipient.id, RecipientStatus.FAILED, 'The lead or the template was deleted'));
      if (sms && !shared.smsNumber)
        return void (await release(em, recipient.id, RecipientStatus.FAILED, 'The organization has no SMS number'));
      const message = await renderForLead(em, shared.template, lead, shared.sender);
      try {
        if (sms) {
          const body = withOptOutNotice(message.body);
          const { providerMessageId } = await deps.sms.send({
            organizationId,
            from: shared.smsNumber!,
            to: recipient.toAddress!,
            body,
            statusCallbackUrl: `${publicUrl(deps)}/webhooks/twilio/status?org=${organizationId}`,
          });
          delivered.push({ state, providerMessageId, body });
        } else {
          const providerMessageId = await sendEmail(deps, organizationId, campaign, recipient, message);
          delivered.push({
            state,
            providerMessageId,
            body: message.subject ? `${message.subject}\n\n${message.body}` : message.body,
          });
        }
      } catch (err) {
        const permanent = err instanceof SmsSendError ? err.permanent : isPermanentSmtpFailure(err);
        // Refused for good: BOUNCED with the server's answer — final, and no job failure. Otherwise
        // back to QUEUED, and the job fails so its retry (with backoff) sends what is still QUEUED.
        await release(
          em,
          recipient.id,
          permanent ? RecipientStatus.BOUNCED : RecipientStatus.QUEUED,
          permanent ? (err as Error).message : null,
        );
        // A hard bounce is not tried again by later campaigns until an admin lifts it.
        if (permanent)
          await em
            .getRepository(Suppression)
            .suppress(
              organizationId,
              campaign.channel,
              recipient.toAddress!,
              SuppressionReason.HARD_BOUNCE,
              (err as Error).message,
            );
        if (!permanent) result.retry ??= err as Error;
      }
    }),
  );
  await markSent(em, organizationId, campaign, sms, delivered);
  result.sent = delivered.length;
  return result;
}

/** SENT, and each lead's timeline entry, for every delivery of the batch in one statement. */
async function markSent(
  em: Em,
  organizationId: string,
  campaign: Campaign,
  sms: boolean,
  delivered: Delivery[],
): Promise<void> {
  if (!delivered.length) return;
  const sentAt = new Date().toISOString();
  await em.execute(
    `with d as (select * from json_to_recordset(?::json) as x(id uuid, provider_message_id text, activity_id uuid, body text)),
          sent as (
            update campaign_recipients r set status = 'SENT', provider_message_id = d.provider_message_id, sent_at = ?, reason = null, deferred_until = null, error = null, updated_at = ?
              from d where r.id = d.id and r.organization_id = ? returning r.lead_id, d.activity_id, d.body)
     insert into activities (id, organization_id, lead_id, type, direction, body, outcome, occurred_at, user_id, created_at, updated_at)
     select activity_id, ?, lead_id, ?, 'OUTBOUND', body, ?, ?, ?, ?, ? from sent`,
    [
      JSON.stringify(
        delivered.map((d) => ({
          id: d.state.recipient.id,
          provider_message_id: d.providerMessageId,
          activity_id: crypto.randomUUID(),
          body: d.body,
        })),
      ),
      sentAt,
      sentAt,
      organizationId,
      organizationId,
      sms ? ActivityType.SMS : ActivityType.EMAIL,
      `SENT (campaign ${campaign.name})`,
      sentAt,
      campaign.createdById ?? null,
      sentAt,
      sentAt,
    ],
  );
}

/** Jobs made before batching name one recipient; batches name several. */
function recipientIdsOf(data: CampaignSendJob): string[] {
  return data.recipientIds ?? (data.recipientId ? [data.recipientId] : []);
}

interface SendState {
  recipient: Pick<CampaignRecipient, 'id' | 'status' | 'toAddress' | 'timeZone' | 'leadId' | 'updatedAt'>;
  campaign: Campaign;
  lead: Lead | null;
  dnc: boolean;
  /** On the suppression list (an earlier hard bounce or complaint). */
  suppressed: boolean;
  consentStatus: ConsentStatus | null;
  /** Another campaign reached the lead within the frequency cap. */
  capped: boolean;
}

/** The recipients, their campaign and leads, the consent decision's inputs and the frequency cap, in one statement. */
async function loadSendStates(
  em: Em,
  organizationId: string,
  campaignId: string,
  recipientIds: string[],
): Promise<SendState[]> {
  const rows = await em.execute<Record<string, unknown>[]>(
    `select r.id, r.status, r.to_address, r.time_zone, r.lead_id, r.updated_at,
            c.status as campaign_status, c.name, c.channel, c.template_id, c.window_start_hour, c.window_end_hour, c.frequency_cap_days, c.generation, c.created_by_id,
            l.first_name, l.last_name, l.property_id,
            ${contactDecisionSql('c.channel', 'r.to_address')},
            c.frequency_cap_days is not null and exists (
              select 1 from campaign_recipients o
               where o.organization_id = r.organization_id and o.lead_id = r.lead_id and o.campaign_id <> r.campaign_id
                 and o.sent_at >= now() - make_interval(days => c.frequency_cap_days)) as capped
       from campaign_recipients r
       join campaigns c on c.id = r.campaign_id and c.organization_id = r.organization_id
       left join leads l on l.id = r.lead_id and l.organization_id = r.organization_id
      where r.organization_id = ? and r.campaign_id = ? and r.id = any(array(select jsonb_array_elements_text(?::jsonb)::uuid))`,
    [organizationId, campaignId, JSON.stringify(recipientIds)],
  );
  if (!rows.length) return [];
  const first = rows[0]!;
  const campaign = Object.assign(new Campaign(), {
    id: campaignId,
    organizationId,
    status: first.campaign_status,
    name: first.name,
    channel: first.channel,
    templateId: first.template_id,
    windowStartHour: first.window_start_hour,
    windowEndHour: first.window_end_hour,
    frequencyCapDays: first.frequency_cap_days,
    generation: first.generation,
    createdById: first.created_by_id ?? undefined,
  });
  return rows.map((row) => ({
    recipient: {
      id: row.id as string,
      status: row.status as RecipientStatus,
      toAddress: (row.to_address as string | null) ?? undefined,
      timeZone: (row.time_zone as string | null) ?? undefined,
      leadId: row.lead_id as string,
      updatedAt: new Date(row.updated_at as string),
    },
    campaign,
    lead:
      row.first_name == null
        ? null
        : Object.assign(new Lead(), {
            id: row.lead_id,
            organizationId,
            firstName: row.first_name,
            lastName: row.last_name,
            propertyId: row.property_id ?? undefined,
          }),
    dnc: !!row.dnc,
    suppressed: !!row.suppressed,
    consentStatus: (row.consent_status as ConsentStatus | null) ?? null,
    capped: !!row.capped,
  }));
}

const publicUrl = (deps: AppDeps) => deps.config.publicUrl ?? `http://127.0.0.1:${deps.config.port}`;

/**
 * The campaign email: links tracked (`/t/c/…`) and an open pixel (`/t/o/…`) unless EMAIL_TRACKING
 * is off, an unsubscribe footer and RFC 8058 headers, and a Message-ID derived from the recipient.
 */
async function sendEmail(
  deps: AppDeps,
  organizationId: string,
  campaign: Campaign,
  recipient: SendState['recipient'],
  message: { subject?: string | null; body: string },
): Promise<string> {
  const base = publicUrl(deps);
  const secret = deps.config.jwtSecret;
  const unsubscribeUrl = `${base}/u/${unsubscribeToken(secret, organizationId, recipient.id)}`;
  const track = deps.config.emailTracking
    ? (url: string) => `${base}/t/c/${clickToken(secret, organizationId, recipient.id, url)}`
    : (url: string) => url;
  const pixel = deps.config.emailTracking
    ? `<img src="${base}/t/o/${signRecipient(secret, 'open', organizationId, recipient.id)}" width="1" height="1" alt="" style="display:block;border:0">`
    : '';
  return deps.mailer.send({
    from: deps.config.mailFrom,
    to: recipient.toAddress!,
    subject: message.subject ?? '',
    text: `${mapUrls(message.body, track)}\n\n--\nTo stop receiving these emails: ${unsubscribeUrl}`,
    html: textToHtml(
      message.body,
      `<p style="font-size:12px;color:#666"><a href="${unsubscribeUrl}">Unsubscribe</a> from these emails.</p>${pixel}`,
      track,
    ),
    messageId: `<${recipient.id}@${organizationId}.realestateos>`,
    headers: {
      'X-Reos-Campaign-Id': campaign.id,
      'X-Reos-Recipient-Id': recipient.id,
      'List-Unsubscribe': `<${unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  });
}

/** Ends this worker's claim: the recipient is BOUNCED/FAILED for good, or QUEUED again for a retry. */
async function release(
  em: Em,
  recipientId: string,
  status: RecipientStatus,
  error: string | null,
): Promise<RecipientStatus> {
  await em.nativeUpdate(CampaignRecipient, { id: recipientId, status: RecipientStatus.SENDING }, {
    status,
    error: error?.slice(0, 500) ?? null,
  } as never);
  return status;
}

/**
 * What every send of a campaign shares — the template (fixed once launched) and the sender's names —
 * read once per campaign per process and kept for 30 s, instead of three reads per message.
 */
interface SharedContent {
  template: MessageTemplate | null;
  sender: Sender;
  /** The organization's SMS number (SMS campaigns send from it). */
  smsNumber: string | null;
}

class ContentCache {
  private readonly entries = new Map<string, { at: number; value: Promise<SharedContent> }>();

  get(em: ReturnType<typeof forkForTenant>, campaign: Campaign): Promise<SharedContent> {
    const hit = this.entries.get(campaign.id);
    if (hit && Date.now() - hit.at < 30_000) return hit.value;
    const value = Promise.all([
      em.findOne(MessageTemplate, { id: campaign.templateId }),
      loadSender(em, campaign.createdById, campaign.organizationId),
      em.findOne(Organization, { id: campaign.organizationId }, { fields: ['id', 'smsNumber'] as never }),
    ]).then(([template, sender, org]) => ({ template, sender, smsNumber: org?.smsNumber ?? null }));
    value.catch(() => this.entries.delete(campaign.id));
    if (this.entries.size > 1_000) this.entries.clear();
    this.entries.set(campaign.id, { at: Date.now(), value });
    return value;
  }
}

/**
 * After the last attempt: the batch's recipients still waiting are FAILED, so the campaign can
 * complete — except those waiting for their sending window, which have a job of their own.
 */
export async function markRecipientFailed(deps: AppDeps, data: CampaignSendJob, error: string): Promise<void> {
  await runAsTenant(data.organizationId, async () => {
    const em = forkForTenant(deps.orm, data.organizationId);
    await em.nativeUpdate(
      CampaignRecipient,
      {
        id: { $in: recipientIdsOf(data) },
        status: { $in: [RecipientStatus.QUEUED, RecipientStatus.SENDING] },
        $or: [{ reason: null }, { reason: { $ne: SkipReason.QUIET_HOURS_DEFERRED } }],
      },
      { status: RecipientStatus.FAILED, error: error.slice(0, 500) },
    );
    if (await completeIfDone({ em }, data.campaignId))
      deps.pubsub.publish(Topics.CAMPAIGNS, data.organizationId, {
        organizationId: data.organizationId,
        campaignId: data.campaignId,
      });
  });
}
