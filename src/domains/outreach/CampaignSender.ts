import DataLoader from 'dataloader';
import { Suppression, type Campaign } from '../../../entities/index.js';
import {
  ActivityType,
  CampaignStatus,
  MessageChannel,
  RecipientStatus,
  SkipReason,
  SuppressionReason,
} from '../../../entities/enums.js';
import type { JobRun } from '../../platform/jobs/job-run.js';
import type { CampaignSendJob } from '../../platform/jobs/queues.js';
import { isPermanentSmtpFailure } from '../../platform/mail/Mailer.js';
import { SmsSendError } from '../../platform/providers/sms/index.js';
import { Topics } from '../../platform/pubsub.js';
import type { ServiceScope } from '../scope.js';
import { sendCampaignEmail, sharedContent, type SharedContent } from './campaign-content.js';
import { loadSendStates, type SendState } from './campaign-send-state.js';
import type { CampaignService } from './CampaignService.js';
import { contactBlock } from './ConsentService.js';
import { RecipientTransitions } from './recipient-status.js';
import { nextWindowOpening } from './send-window.js';
import { withOptOutNotice } from './template.js';
import { renderForLead } from './TemplateService.js';

interface BatchResult {
  sent: number;
  skipped: number;
  /** Recipients handed to jobs of their own (sending window, another worker's claim). */
  waiting: number;
  changed: boolean;
  retry: Error | null;
}

interface Delivery {
  recipientId: string;
  providerMessageId: string;
  body: string;
}

/** How long answered sends wait to be recorded together (one statement, its triggers run once). */
const RECORD_WINDOW_MS = 10;

/** A recipient this worker claimed; `claimedBefore` when it took over a dead worker's stale claim (then). */
type Claimed = SendState & { claimedBefore?: Date };

/** Campaign progress announcements, at most one per campaign per 250 ms per process (completion always). */
const lastAnnounced = new Map<string, number>();

/**
 * The `campaign-send` job: a batch of recipients (25 by default, see Queues.enqueueCampaignSends) at send time. Nothing
 * while the campaign is paused (recipients stay QUEUED for resume); CANCELLED when it was cancelled;
 * outside a recipient's sending window, or while another worker holds its claim, the recipient gets
 * a job of its own that waits until then. The rest are checked against consent and the frequency cap
 * (skips recorded with their reason), claimed (QUEUED → SENDING, one worker wins) in one statement,
 * sent concurrently (email with a Message-ID derived from the recipient), and marked SENT with their
 * timeline entries as each answer arrives (answers arriving together share one statement). The claim
 * is what makes a replayed, retried or duplicated job send at most once; the one gap — a worker
 * killed between the server's reply and marking SENT, which leaves only the sends in flight — is
 * closed by reclaiming a stale claim: an email is sent again with the same Message-ID, which the
 * receiving side de-duplicates; a text is first looked up at the gateway (findSent) and, when it was
 * accepted there, recorded instead of sent twice. A transient failure (SMTP 4xx, gateway outage)
 * puts that recipient back to QUEUED and fails the job, whose retry sends only what is still QUEUED.
 */
export class CampaignSender {
  private readonly recipients: RecipientTransitions;

  constructor(
    private readonly scope: ServiceScope,
    private readonly campaigns: CampaignService,
  ) {
    this.recipients = new RecipientTransitions(scope.em);
  }

  async sendBatch(job: JobRun<CampaignSendJob>): Promise<{ sent: number; skipped: number; waiting: number }> {
    const result = await this.batch(job);
    if (result.changed) {
      const done = await this.campaigns.completeIfDone(job.data.campaignId);
      this.announce(job.data.organizationId, job.data.campaignId, done);
    }
    if (result.retry) throw result.retry; // after recording what was sent; the retry sends the rest
    return { sent: result.sent, skipped: result.skipped, waiting: result.waiting };
  }

  /** After the batch's last attempt: what still waits is FAILED, so the campaign can complete. */
  async gaveUp(data: CampaignSendJob, error: string): Promise<void> {
    await this.recipients.failWaiting(recipientIdsOf(data), error);
    if (await this.campaigns.completeIfDone(data.campaignId)) this.announce(data.organizationId, data.campaignId, true);
  }

  private async batch(job: JobRun<CampaignSendJob>): Promise<BatchResult> {
    const { organizationId, campaignId } = job.data;
    const result: BatchResult = { sent: 0, skipped: 0, waiting: 0, changed: false, retry: null };
    const ids = recipientIdsOf(job.data);
    // A replay of a dead-lettered batch tries its FAILED recipients once more; those SENT meanwhile,
    // or skipped, are left alone, so a replay never repeats a send.
    if (job.replay && (await this.recipients.reopenFailed(ids))) await this.campaigns.reopen(campaignId);
    const states = await loadSendStates(this.scope.em, organizationId, campaignId, ids);
    if (!states.length) return result;
    const campaign = states[0]!.campaign;
    if (campaign.status === CampaignStatus.CANCELLED) {
      result.changed = (await this.recipients.cancelQueued({ ids })) > 0;
      return result;
    }
    if (!(await this.campaigns.startSending(campaign))) return result;
    const mine = await this.claim(organizationId, await this.sort(campaign, states, result));
    if (!mine.length) return result;
    result.changed = true;
    // Each send is recorded as soon as its answer arrives (answers arriving within RECORD_WINDOW_MS
    // share one statement), so a worker killed mid-batch leaves only the sends in flight — answered
    // less than that long ago, or not yet — to its successor.
    const record = new DataLoader<Delivery, true>(
      async (deliveries) => {
        await this.recipients.markSent(organizationId, [...deliveries], {
          type: campaign.channel === MessageChannel.SMS ? ActivityType.SMS : ActivityType.EMAIL,
          outcome: `SENT (campaign ${campaign.name})`,
          actorId: campaign.createdById ?? null,
        });
        return deliveries.map(() => true as const);
      },
      { cache: false, batchScheduleFn: (flush) => setTimeout(flush, RECORD_WINDOW_MS) },
    );
    result.sent = await this.sendAll(campaign, mine, result, (d) => record.load(d));
    return result;
  }

  /**
   * Decides each recipient of the batch: already done, waiting (claim held elsewhere, sending window),
   * skipped (consent, DNC, suppression, frequency cap) or to be sent — fresh (QUEUED) or taking over
   * a stale claim.
   */
  private async sort(campaign: Campaign, states: SendState[], result: BatchResult) {
    const { config } = this.scope.deps;
    const now = Date.now();
    const staleBefore = new Date(now - config.sendClaimStaleMs);
    const skips = new Map<string, { reason: SkipReason; stale: boolean; ids: string[] }>();
    const fresh: SendState[] = [];
    const stale: SendState[] = [];
    for (const state of states) {
      const { recipient } = state;
      const sending = recipient.status === RecipientStatus.SENDING;
      const isStale = sending && recipient.updatedAt < staleBefore;
      if (sending && !isStale) {
        // Another worker holds the claim (or died holding it): a job of its own comes back when the claim would be
        // stale.
        await this.waitFor(
          campaign,
          recipient.id,
          new Date(recipient.updatedAt.getTime() + config.sendClaimStaleMs + 1_000),
        );
        result.waiting++;
        continue;
      }
      if (recipient.status !== RecipientStatus.QUEUED && !isStale) continue; // done already
      const tz = recipient.timeZone ?? 'America/Chicago';
      const opens = nextWindowOpening(new Date(now), tz, campaign.windowStartHour, campaign.windowEndHour);
      if (opens && !isStale) {
        await this.recipients.defer(recipient.id, opens);
        await this.waitFor(campaign, recipient.id, opens);
        result.waiting++;
        result.changed = true;
        continue;
      }
      const reason =
        (contactBlock(state.dnc, state.consentStatus, state.suppressed) as SkipReason | null) ??
        (state.capped ? SkipReason.FREQUENCY_CAP : null);
      if (!reason) (isStale ? stale : fresh).push(state);
      else {
        const key = `${reason}:${isStale}`;
        skips.set(key, { reason, stale: isStale, ids: [...(skips.get(key)?.ids ?? []), recipient.id] });
      }
    }
    for (const skip of skips.values()) {
      result.skipped += await this.recipients.skip(skip.ids, skip.reason, skip.stale ? staleBefore : null);
      result.changed = true;
    }
    return { fresh, stale, staleBefore };
  }

  /** Claims: of every job that gets here for a recipient, one proceeds. */
  private async claim(
    organizationId: string,
    sorted: { fresh: SendState[]; stale: SendState[]; staleBefore: Date },
  ): Promise<Claimed[]> {
    const { fresh, stale, staleBefore } = sorted;
    const claimed = await this.recipients.claim(
      organizationId,
      fresh.map((s) => s.recipient.id),
    );
    const takeovers = new Map<string, Date>();
    for (const s of stale)
      if (await this.recipients.reclaimStale(s.recipient.id, staleBefore)) {
        claimed.add(s.recipient.id);
        takeovers.set(s.recipient.id, s.recipient.updatedAt); // when the dead worker claimed it
      }
    return [...fresh, ...stale]
      .filter((s) => claimed.has(s.recipient.id))
      .map((s) => (takeovers.has(s.recipient.id) ? { ...s, claimedBefore: takeovers.get(s.recipient.id) } : s));
  }

  private async sendAll(
    campaign: Campaign,
    mine: Claimed[],
    result: BatchResult,
    record: (d: Delivery) => Promise<true>,
  ): Promise<number> {
    const shared = await sharedContent(this.scope.em, campaign);
    let delivered = 0;
    await Promise.all(
      mine.map(async (state) => {
        const { recipient } = state;
        if (!state.lead || !shared.template)
          return this.recipients.release(recipient.id, RecipientStatus.FAILED, 'The lead or the template was deleted');
        if (campaign.channel === MessageChannel.SMS && !shared.smsNumber)
          return this.recipients.release(recipient.id, RecipientStatus.FAILED, 'The organization has no SMS number');
        let delivery: Delivery;
        try {
          delivery = await this.sendOne(campaign, state, shared);
        } catch (err) {
          if (!(await this.refused(campaign, recipient, err as Error))) result.retry ??= err as Error;
          return;
        }
        await record(delivery);
        delivered++;
      }),
    );
    return delivered;
  }

  private async sendOne(campaign: Campaign, state: Claimed, shared: SharedContent): Promise<Delivery> {
    const { deps } = this.scope;
    const { recipient } = state;
    const message = await renderForLead(this.scope.em, shared.template!, state.lead!, shared.sender);
    if (campaign.channel === MessageChannel.SMS) {
      const body = withOptOutNotice(message.body);
      const text = { from: shared.smsNumber!, to: recipient.toAddress!, body };
      // Taking over from a worker that died after the gateway's answer: that text went out; record it.
      const earlier = state.claimedBefore ? await deps.sms.findSent({ ...text, since: state.claimedBefore }) : null;
      if (earlier) return { recipientId: recipient.id, providerMessageId: earlier, body };
      const { providerMessageId } = await deps.sms.send({
        organizationId: campaign.organizationId,
        ...text,
        statusCallbackUrl: `${deps.config.publicUrl}/webhooks/twilio/status?org=${campaign.organizationId}`,
      });
      return { recipientId: recipient.id, providerMessageId, body };
    }
    const providerMessageId = await sendCampaignEmail(deps, campaign, recipient, message);
    const body = message.subject ? `${message.subject}\n\n${message.body}` : message.body;
    return { recipientId: recipient.id, providerMessageId, body };
  }

  /**
   * A send that failed. Refused for good: BOUNCED with the server's answer — final, no job failure —
   * and the address suppressed until an admin lifts it (true). Otherwise back to QUEUED (false), and
   * the job fails so its retry (with backoff) sends what is still QUEUED.
   */
  private async refused(campaign: Campaign, recipient: SendState['recipient'], err: Error): Promise<boolean> {
    const permanent = err instanceof SmsSendError ? err.permanent : isPermanentSmtpFailure(err);
    if (!permanent) {
      await this.recipients.release(recipient.id, RecipientStatus.QUEUED, null);
      return false;
    }
    await this.recipients.release(recipient.id, RecipientStatus.BOUNCED, err.message);
    await this.scope.em
      .getRepository(Suppression)
      .suppress(
        campaign.organizationId,
        campaign.channel,
        recipient.toAddress!,
        SuppressionReason.HARD_BOUNCE,
        err.message,
      );
    return true;
  }

  private waitFor(campaign: Campaign, recipientId: string, at: Date): Promise<void> {
    return this.scope.deps.queues.enqueueCampaignFollowUp(
      campaign.channel,
      campaign.organizationId,
      campaign.id,
      recipientId,
      at,
    );
  }

  private announce(organizationId: string, campaignId: string, force: boolean): void {
    const now = Date.now();
    if (!force && now - (lastAnnounced.get(campaignId) ?? 0) < 250) return;
    if (force)
      lastAnnounced.delete(campaignId); // completed: nothing more to throttle
    else lastAnnounced.set(campaignId, now);
    this.scope.deps.pubsub.publish(Topics.CAMPAIGNS, organizationId, { organizationId, campaignId });
  }
}

/** Jobs made before batching name one recipient; batches name several. */
function recipientIdsOf(data: CampaignSendJob): string[] {
  return data.recipientIds ?? (data.recipientId ? [data.recipientId] : []);
}
