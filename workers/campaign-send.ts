import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { Activity, Campaign, CampaignRecipient, Lead, MessageTemplate, Organization } from '../entities/index.js';
import { ActivityType, CampaignStatus, Direction, MessageChannel, RecipientStatus, SkipReason } from '../entities/enums.js';
import { textToHtml } from '../src/mail/html.js';
import { isPermanentSmtpFailure } from '../src/mail/Mailer.js';
import { nextWindowOpening } from '../src/outreach/send-window.js';
import { clickToken, signRecipient, URL_IN_TEXT } from '../src/outreach/tracking.js';
import { unsubscribeToken } from '../src/outreach/unsubscribe.js';
import { SmsSendError } from '../src/providers/sms/index.js';
import { Topics } from '../src/pubsub.js';
import type { CampaignSendJob } from '../src/queues.js';
import { completeIfDone } from '../src/services/CampaignService.js';
import { canContact } from '../src/services/ConsentService.js';
import type { AppDeps } from '../src/services/scope.js';
import { loadSender, renderForLead, type Sender } from '../src/services/TemplateService.js';
import { forkForTenant, runAsTenant } from '../src/tenancy/tenant-em.js';

export type { CampaignSendJob };


type Outcome = RecipientStatus | 'PAUSED' | 'GONE' | 'IN_FLIGHT';

/**
 * One campaign recipient, at send time: nothing when the campaign is paused (the recipient stays
 * QUEUED for resume) or cancelled; outside the sending window the job moves itself to the window's
 * opening; then consent and the frequency cap; then the recipient is claimed (QUEUED → SENDING,
 * one worker wins), the template filled in and the email sent with a Message-ID derived from the
 * recipient. The claim is what makes a replayed, retried or duplicated job send at most once; the
 * one gap — a worker killed between the SMTP reply and marking SENT — is closed by reclaiming a
 * stale claim and resending with the same Message-ID, which the receiving side de-duplicates.
 */
export function campaignSendProcessor(deps: AppDeps) {
  const content = new ContentCache();
  const lastAnnounced = new Map<string, number>();
  const announce = (organizationId: string, campaignId: string, force: boolean) => {
    const now = Date.now();
    if (!force && now - (lastAnnounced.get(campaignId) ?? 0) < 250) return;
    if (force) lastAnnounced.delete(campaignId); // completed: nothing more to throttle
    else lastAnnounced.set(campaignId, now);
    deps.pubsub.publish(Topics.CAMPAIGNS, organizationId, { organizationId, campaignId });
  };
  return (job: Job<CampaignSendJob>, token?: string) =>
    runAsTenant(job.data.organizationId, async () => {
      const outcome = await send(deps, job, token, content);
      if (outcome === 'PAUSED' || outcome === 'GONE' || outcome === 'IN_FLIGHT') return { status: outcome };
      const done = await completeIfDone({ em: forkForTenant(deps.orm, job.data.organizationId) }, job.data.campaignId);
      announce(job.data.organizationId, job.data.campaignId, done);
      return { status: outcome };
    });
}

async function send(deps: AppDeps, job: Job<CampaignSendJob>, token: string | undefined, content: ContentCache): Promise<Outcome> {
  const { organizationId, campaignId, recipientId } = job.data;
  const em = forkForTenant(deps.orm, organizationId);
  // Read once and never modified in memory: every change is a conditional UPDATE, so the flush
  // that writes the activity below cannot overwrite what another worker did meanwhile.
  const [recipient, campaign] = await Promise.all([
    em.findOne(CampaignRecipient, { id: recipientId }, { disableIdentityMap: true }),
    em.findOne(Campaign, { id: campaignId }, { disableIdentityMap: true }),
  ]);
  if (!recipient || !campaign) return 'GONE';
  // A replay of a dead-lettered send (replayJob) tries a FAILED recipient once more; one that was
  // SENT meanwhile, or skipped, is left alone, so a replay never repeats a send.
  let status = recipient.status;
  let campaignStatus = campaign.status;
  if (status === RecipientStatus.FAILED && job.id?.includes('-replay-')) {
    if ((await em.nativeUpdate(CampaignRecipient, { id: recipient.id, status: RecipientStatus.FAILED }, { status: RecipientStatus.QUEUED, error: null } as never)) !== 1) return 'IN_FLIGHT';
    status = RecipientStatus.QUEUED;
    if (campaignStatus === CampaignStatus.COMPLETED) {
      await em.nativeUpdate(Campaign, { id: campaign.id, status: CampaignStatus.COMPLETED }, { status: CampaignStatus.RUNNING, completedAt: null } as never);
      campaignStatus = CampaignStatus.RUNNING;
    }
  }
  const stale = status === RecipientStatus.SENDING && Date.now() - recipient.updatedAt.getTime() > deps.config.sendClaimStaleMs;
  if (status === RecipientStatus.SENDING && !stale) {
    // Another worker holds the claim (or died holding it): come back when the claim would be stale.
    // Delaying does not spend attempts, so this job cannot give up before the claim can be taken over.
    if (!token) throw new Error('A delayed job needs its lock token');
    await job.moveToDelayed(recipient.updatedAt.getTime() + deps.config.sendClaimStaleMs + 1_000, token);
    throw new DelayedError();
  }
  if (status !== RecipientStatus.QUEUED && !stale) return status;

  if (campaignStatus === CampaignStatus.CANCELLED) return finish(em, recipient.id, status, { status: RecipientStatus.CANCELLED });
  if (campaignStatus === CampaignStatus.PAUSED || campaignStatus === CampaignStatus.DRAFT) return 'PAUSED';
  if (campaignStatus === CampaignStatus.SCHEDULED) {
    await em.nativeUpdate(Campaign, { id: campaign.id, status: CampaignStatus.SCHEDULED }, { status: CampaignStatus.RUNNING });
  }

  const opens = nextWindowOpening(new Date(), recipient.timeZone ?? 'America/Chicago', campaign.windowStartHour, campaign.windowEndHour);
  if (opens && !stale) {
    await em.nativeUpdate(CampaignRecipient, { id: recipient.id, status: RecipientStatus.QUEUED }, { reason: SkipReason.QUIET_HOURS_DEFERRED, deferredUntil: opens });
    if (!token) throw new Error('A deferred job needs its lock token');
    await job.moveToDelayed(opens.getTime(), token);
    throw new DelayedError();
  }

  const decision = await canContact(em, campaign.channel, recipient.toAddress!);
  if (!decision.allowed) return finish(em, recipient.id, status, { status: RecipientStatus.SKIPPED, reason: decision.reason as SkipReason });
  if (campaign.frequencyCapDays) {
    const since = new Date(Date.now() - campaign.frequencyCapDays * 86_400_000);
    const recent = await em.count(CampaignRecipient, { leadId: recipient.leadId, sentAt: { $gte: since }, campaignId: { $ne: campaign.id } });
    if (recent > 0) return finish(em, recipient.id, status, { status: RecipientStatus.SKIPPED, reason: SkipReason.FREQUENCY_CAP });
  }

  // Claim: of every job that gets here for this recipient, one proceeds.
  const claimed = await em.nativeUpdate(
    CampaignRecipient,
    stale
      ? { id: recipient.id, status: RecipientStatus.SENDING, updatedAt: { $lt: new Date(Date.now() - deps.config.sendClaimStaleMs) } }
      : { id: recipient.id, status: RecipientStatus.QUEUED },
    { status: RecipientStatus.SENDING, updatedAt: new Date() },
  );
  if (claimed !== 1) return 'IN_FLIGHT';

  const [lead, shared] = await Promise.all([em.findOne(Lead, { id: recipient.leadId }, { disableIdentityMap: true }), content.get(em, campaign)]);
  if (!lead || !shared.template) return release(em, recipient.id, RecipientStatus.FAILED, 'The lead or the template was deleted');
  const message = await renderForLead(em, shared.template, lead, shared.sender);
  const sms = campaign.channel === MessageChannel.SMS;
  let providerMessageId: string;
  let sentBody = message.body;
  try {
    if (sms) {
      if (!shared.smsNumber) return release(em, recipient.id, RecipientStatus.FAILED, 'The organization has no SMS number');
      sentBody = withOptOutNotice(message.body);
      ({ providerMessageId } = await deps.sms.send({
        organizationId,
        from: shared.smsNumber,
        to: recipient.toAddress!,
        body: sentBody,
        statusCallbackUrl: `${publicUrl(deps)}/webhooks/twilio/status?org=${organizationId}`,
      }));
    } else {
      providerMessageId = await sendEmail(deps, organizationId, campaign, recipient, message);
    }
  } catch (err) {
    const permanent = err instanceof SmsSendError ? err.permanent : isPermanentSmtpFailure(err);
    if (permanent) {
      // The server or gateway refused this address for good: a bounce, not worth another attempt.
      await release(em, recipient.id, RecipientStatus.BOUNCED, (err as Error).message);
      throw new UnrecoverableError(`${sms ? 'The SMS gateway' : 'The mail server'} refused the message: ${(err as Error).message}`);
    }
    await release(em, recipient.id, RecipientStatus.QUEUED, null); // retried with backoff
    throw err;
  }
  const sentAt = new Date();
  await em.nativeUpdate(
    CampaignRecipient,
    { id: recipient.id },
    { status: RecipientStatus.SENT, providerMessageId, sentAt, reason: null, deferredUntil: null, error: null } as never,
  );
  await em.insert(Activity, {
    id: crypto.randomUUID(),
    organizationId,
    leadId: lead.id,
    type: sms ? ActivityType.SMS : ActivityType.EMAIL,
    direction: Direction.OUTBOUND,
    body: message.subject && !sms ? `${message.subject}\n\n${sentBody}` : sentBody,
    outcome: `SENT (campaign ${campaign.name})`,
    occurredAt: sentAt,
    userId: campaign.createdById,
    createdAt: sentAt,
    updatedAt: sentAt,
  });
  return RecipientStatus.SENT;
}

const publicUrl = (deps: AppDeps) => deps.config.publicUrl ?? `http://127.0.0.1:${deps.config.port}`;

/** Carriers expect marketing texts to say how to stop them; added when the template does not. */
export function withOptOutNotice(body: string): string {
  return /\bSTOP\b/.test(body) ? body : `${body}\nReply STOP to opt out.`;
}

/**
 * The campaign email: links tracked (`/t/c/…`) and an open pixel (`/t/o/…`) unless EMAIL_TRACKING
 * is off, an unsubscribe footer and RFC 8058 headers, and a Message-ID derived from the recipient.
 */
async function sendEmail(deps: AppDeps, organizationId: string, campaign: Campaign, recipient: CampaignRecipient, message: { subject?: string | null; body: string }): Promise<string> {
  const base = publicUrl(deps);
  const secret = deps.config.jwtSecret;
  const unsubscribeUrl = `${base}/u/${unsubscribeToken(secret, organizationId, recipient.id)}`;
  const track = deps.config.emailTracking ? (url: string) => `${base}/t/c/${clickToken(secret, organizationId, recipient.id, url)}` : (url: string) => url;
  const pixel = deps.config.emailTracking ? `<img src="${base}/t/o/${signRecipient(secret, 'open', organizationId, recipient.id)}" width="1" height="1" alt="" style="display:block;border:0">` : '';
  return deps.mailer.send({
    from: deps.config.mailFrom,
    to: recipient.toAddress!,
    subject: message.subject ?? '',
    text: `${message.body.replace(URL_IN_TEXT, track)}\n\n--\nTo stop receiving these emails: ${unsubscribeUrl}`,
    html: textToHtml(message.body, `<p style="font-size:12px;color:#666"><a href="${unsubscribeUrl}">Unsubscribe</a> from these emails.</p>${pixel}`, track),
    messageId: `<${recipient.id}@${organizationId}.realestateos>`,
    headers: {
      'X-Reos-Campaign-Id': campaign.id,
      'X-Reos-Recipient-Id': recipient.id,
      'List-Unsubscribe': `<${unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  });
}

/** Moves a recipient that is still `from` to its final status (a skip records its reason). */
async function finish(em: ReturnType<typeof forkForTenant>, recipientId: string, from: RecipientStatus, change: { status: RecipientStatus; reason?: SkipReason }): Promise<RecipientStatus> {
  await em.nativeUpdate(CampaignRecipient, { id: recipientId, status: from }, { status: change.status, reason: change.reason ?? null, deferredUntil: null } as never);
  return change.status;
}

async function release(em: ReturnType<typeof forkForTenant>, recipientId: string, status: RecipientStatus, error: string | null): Promise<RecipientStatus> {
  await em.nativeUpdate(CampaignRecipient, { id: recipientId, status: RecipientStatus.SENDING }, { status, error: error?.slice(0, 500) ?? null } as never);
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

/** After the last attempt: a recipient still waiting is FAILED, so the campaign can complete. */
export async function markRecipientFailed(deps: AppDeps, data: CampaignSendJob, error: string): Promise<void> {
  await runAsTenant(data.organizationId, async () => {
    const em = forkForTenant(deps.orm, data.organizationId);
    await em.nativeUpdate(CampaignRecipient, { id: data.recipientId, status: { $in: [RecipientStatus.QUEUED, RecipientStatus.SENDING] } }, { status: RecipientStatus.FAILED, error: error.slice(0, 500) });
    if (await completeIfDone({ em }, data.campaignId)) deps.pubsub.publish(Topics.CAMPAIGNS, data.organizationId, { organizationId: data.organizationId, campaignId: data.campaignId });
  });
}
