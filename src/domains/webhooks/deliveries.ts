import { randomUUID } from 'node:crypto';
import { NotificationKind, WebhookDeliveryStatus } from '../../../entities/enums.js';
import { NotificationService } from '../notifications/NotificationService.js';
import type { ServiceScope } from '../scope.js';
import type { WebhookDeliverJob } from '../../platform/jobs/queues.js';
import { webhookHeaders } from './signing.js';
import type { TryResult } from './sender.js';
import type { ClaimedDelivery } from './store.js';

/** The body every try of an event sends, byte for byte (Standard Webhooks payload shape). */
export function webhookBody(type: string, timestamp: string, data: unknown): string {
  return JSON.stringify({ type, timestamp, data });
}

/** The `webhook-id` of an event: the same on every try and replay, for every endpoint. */
export function messageId(eventId: string): string {
  return `msg_${eventId.replaceAll('-', '')}`;
}

/**
 * One try of one delivery (the `webhook-deliver` job): claimed (a lease, and only by the job of its
 * number: `attempts` = attempt − 1, so a duplicate job or a stale retry sends nothing), signed with
 * the endpoint's secret (and the previous one during a rotation), POSTed, recorded (the try, the
 * delivery's state, the endpoint's failing streak), and the next try scheduled on the retry
 * schedule. Claims and records of concurrent tries share statements (WebhookStore). A crash between
 * the POST and the record sends that try again once the lease ends, with the same `webhook-id`.
 */
export class WebhookDeliverer {
  constructor(private readonly scope: ServiceScope) {}

  async deliver(job: WebhookDeliverJob): Promise<{ sent: boolean; status?: WebhookDeliveryStatus }> {
    const { webhookStore, secretBox, webhookSender } = this.scope.deps;
    const row = await webhookStore.claim(job.organizationId, {
      id: job.deliveryId,
      attempt: job.attempt,
      replay: !!job.replay,
    });
    if (!row) return { sent: false };
    if (!row.enabled && !job.replay) {
      const result = { ok: false, statusCode: null, latencyMs: 0, error: 'Endpoint disabled', responseExcerpt: null };
      await this.record(row, job, result, WebhookDeliveryStatus.FAILED, null);
      return { sent: false, status: WebhookDeliveryStatus.FAILED };
    }
    // A secret sealed under another JWT_SECRET cannot be opened: nothing unsigned is ever sent,
    // and an unreadable previous secret is left out.
    const current = secretBox.tryOpen(row.secret);
    const previous = row.previous_valid && row.previous_secret ? secretBox.tryOpen(row.previous_secret) : null;
    const body = webhookBody(row.type, row.timestamp, row.data);
    const secrets = [current, previous].filter((x): x is string => !!x);
    const result = current
      ? await webhookSender.post(row.url, body, webhookHeaders(secrets, messageId(row.event_id), body))
      : unsigned;
    const schedule = this.scope.deps.config.webhooks.retryScheduleMs;
    const retry = !result.ok && !job.replay && job.attempt <= schedule.length;
    const status = result.ok
      ? WebhookDeliveryStatus.SUCCEEDED
      : retry
        ? WebhookDeliveryStatus.RETRYING
        : WebhookDeliveryStatus.FAILED;
    const next = retry ? new Date(Date.now() + jitter(schedule[job.attempt - 1]!)) : null;
    if (await this.record(row, job, result, status, next)) await this.followUp(row, job, result, next);
    return { sent: true, status };
  }

  private record(
    row: ClaimedDelivery,
    job: WebhookDeliverJob,
    r: TryResult,
    status: WebhookDeliveryStatus,
    next: Date | null,
  ): Promise<boolean> {
    return this.scope.deps.webhookStore.record(job.organizationId, {
      attemptId: randomUUID(),
      deliveryId: row.id,
      endpointId: row.endpoint_id,
      attempt: job.attempt,
      replay: !!job.replay,
      ok: r.ok,
      statusCode: r.statusCode,
      latencyMs: r.latencyMs,
      error: r.error?.slice(0, 1_000) ?? null,
      responseExcerpt: r.responseExcerpt,
      status,
      nextAttemptAt: next,
    });
  }

  /** The next try queued (the sweep queues it if Redis is away), and the endpoint turned off after days of failing. */
  private async followUp(row: ClaimedDelivery, job: WebhookDeliverJob, r: TryResult, next: Date | null): Promise<void> {
    const { config, queues, log } = this.scope.deps;
    if (next)
      await queues
        .enqueueWebhookDeliveries([
          { organizationId: job.organizationId, deliveryId: row.id, attempt: job.attempt + 1, at: next },
        ])
        .catch((err: Error) => log.warn({ err: err.message }, 'webhook retry not queued; the sweep will'));
    if (!r.ok && row.failing_since_days !== null && row.failing_since_days >= config.webhooks.disableAfterDays)
      await this.disableFailing(row);
  }

  /**
   * Off after failing for WEBHOOK_DISABLE_AFTER_DAYS days in a row, and the organization's admins
   * are told: the endpoint is turned off and their notifications stored in one transaction (a
   * crash between the two would leave it off with no one told, and the next try would not tell
   * them either), announced once it commits.
   */
  private async disableFailing(row: ClaimedDelivery): Promise<void> {
    const days = this.scope.deps.config.webhooks.disableAfterDays;
    const reason = `Every delivery failed for ${days} days in a row`;
    const told = await this.scope.em.transactional(async (tem) => {
      const off = await tem.execute<{ id: string }[]>(
        `update webhook_endpoints set enabled = false, disabled_reason = ?, updated_at = now()
          where id = ? and enabled returning id`,
        [reason, row.endpoint_id],
      );
      if (!off.length) return [];
      return new NotificationService({ ...this.scope, em: tem }).storeForAdmins({
        kind: NotificationKind.WEBHOOK_DISABLED,
        title: `Webhook endpoint ${row.url.slice(0, 200)} was turned off`,
        body: `${reason}. Fix the receiver, then enable it again and replay what it missed.`,
        dedupeKey: `webhook-disabled:${row.endpoint_id}:${Date.now()}`,
      });
    });
    const notifications = new NotificationService(this.scope);
    for (const stored of told) notifications.announce(stored);
  }
}

const unsigned = {
  ok: false,
  statusCode: null,
  latencyMs: 0,
  error: 'The signing secret cannot be read (JWT_SECRET changed?): rotate it with rotateWebhookSecret',
  responseExcerpt: null,
};

/** ±10%, so endpoints that failed together do not all come back in the same instant. */
function jitter(ms: number): number {
  return Math.round(ms * (0.9 + Math.random() * 0.2));
}
