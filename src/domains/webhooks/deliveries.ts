import { randomUUID } from 'node:crypto';
import { NotificationKind, WebhookDeliveryStatus } from '../../../entities/enums.js';
import { NotificationService } from '../notifications/NotificationService.js';
import type { ServiceScope } from '../scope.js';
import type { WebhookDeliverJob } from '../../platform/jobs/queues.js';
import { webhookHeaders } from './signing.js';
import type { TryResult } from './sender.js';

interface DeliveryRow {
  id: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  endpoint_id: string;
  url: string;
  enabled: boolean;
  secret: string;
  previous_secret: string | null;
  previous_valid: boolean;
  failing_since_days: number | null;
  event_id: string;
  type: string;
  timestamp: string;
  data: unknown;
}

/** The body every try of an event sends, byte for byte (Standard Webhooks payload shape). */
export function webhookBody(type: string, timestamp: string, data: unknown): string {
  return JSON.stringify({ type, timestamp, data });
}

/** The `webhook-id` of an event: the same on every try and replay, for every endpoint. */
export function messageId(eventId: string): string {
  return `msg_${eventId.replaceAll('-', '')}`;
}

/**
 * One try of one delivery (the `webhook-deliver` job): signed with the endpoint's secret (and the
 * previous one during a rotation), POSTed, recorded (attempt, delivery, endpoint failing-since),
 * and the next try scheduled on the retry schedule. A try is run only by the job of its number
 * (`attempts` = attempt − 1), so a duplicate job or a stale retry sends nothing; a crash between
 * the POST and the record sends that try again with the same `webhook-id` (receivers dedupe on it).
 */
export class WebhookDeliverer {
  constructor(private readonly scope: ServiceScope) {}

  async deliver(job: WebhookDeliverJob): Promise<{ sent: boolean; status?: WebhookDeliveryStatus }> {
    const row = await this.load(job.deliveryId);
    if (!row || row.attempts !== job.attempt - 1) return { sent: false };
    if (!job.replay && row.status === WebhookDeliveryStatus.SUCCEEDED) return { sent: false };
    if (!row.enabled && !job.replay) {
      await this.scope.em.execute(
        `update webhook_deliveries set status = 'FAILED', next_attempt_at = null, last_error = 'Endpoint disabled',
                updated_at = now() where id = ?`,
        [row.id],
      );
      return { sent: false, status: WebhookDeliveryStatus.FAILED };
    }
    if (!(await this.lease(row.id, job.attempt))) return { sent: false };
    const { secretBox, webhookSender } = this.scope.deps;
    const secrets = [secretBox.open(row.secret)];
    if (row.previous_secret && row.previous_valid) secrets.push(secretBox.open(row.previous_secret));
    const body = webhookBody(row.type, row.timestamp, row.data);
    const result = await webhookSender.post(row.url, body, webhookHeaders(secrets, messageId(row.event_id), body));
    return { sent: true, status: await this.record(row, job, result) };
  }

  /** Holds the delivery while this try is in flight (a duplicate job elsewhere sends nothing meanwhile). */
  private async lease(id: string, attempt: number): Promise<boolean> {
    const ms = this.scope.deps.config.webhooks.timeoutMs + 5_000;
    const rows = await this.scope.em.execute<{ id: string }[]>(
      `update webhook_deliveries set locked_until = now() + ?::interval
        where id = ? and attempts = ? and (locked_until is null or locked_until < now()) returning id`,
      [`${ms} milliseconds`, id, attempt - 1],
    );
    return rows.length > 0;
  }

  private async load(id: string): Promise<DeliveryRow | undefined> {
    const rows = await this.scope.em.execute<DeliveryRow[]>(
      `select d.id, d.status, d.attempts, d.endpoint_id, e.url, e.enabled, e.secret, e.previous_secret,
              coalesce(e.previous_secret_until > now(), false) as previous_valid,
              extract(epoch from now() - e.failing_since) / 86400 as failing_since_days,
              ev.id as event_id, ev.type, webhook_ts(ev.created_at) as timestamp, ev.data
         from webhook_deliveries d
         join webhook_endpoints e on e.id = d.endpoint_id
         join webhook_events ev on ev.id = d.event_id
        where d.id = ?`,
      [id],
    );
    return rows[0];
  }

  private async record(row: DeliveryRow, job: WebhookDeliverJob, r: TryResult): Promise<WebhookDeliveryStatus> {
    const { config } = this.scope.deps;
    const schedule = config.webhooks.retryScheduleMs;
    const retry = !r.ok && !job.replay && job.attempt <= schedule.length;
    const status = r.ok
      ? WebhookDeliveryStatus.SUCCEEDED
      : retry
        ? WebhookDeliveryStatus.RETRYING
        : WebhookDeliveryStatus.FAILED;
    const next = retry ? new Date(Date.now() + jitter(schedule[job.attempt - 1]!)) : null;
    const recorded = await this.scope.em.execute<{ id: string }[]>(
      `with a as (
         insert into webhook_attempts (id, organization_id, delivery_id, attempt, replay, status_code, latency_ms,
                                       error, response_excerpt)
         select ?, d.organization_id, d.id, ?, ?, ?, ?, ?, ?
           from webhook_deliveries d where d.id = ? and d.attempts = ?
       ), e as (
         update webhook_endpoints set failing_since = case when ? then null else now() end
          where id = ? and (failing_since is null) = ?
       )
       update webhook_deliveries
          set attempts = ?, status = ?, next_attempt_at = ?, last_attempt_at = now(), last_status_code = ?,
              locked_until = null, last_error = ?, succeeded_at = case when ? then now() else succeeded_at end,
              updated_at = now()
        where id = ? and attempts = ?
       returning id`,
      [
        randomUUID(),
        job.attempt,
        !!job.replay,
        r.statusCode,
        r.latencyMs,
        r.error?.slice(0, 1_000) ?? null,
        r.responseExcerpt,
        row.id,
        job.attempt - 1,
        r.ok,
        row.endpoint_id,
        !r.ok,
        job.attempt,
        status,
        next,
        r.statusCode,
        r.error?.slice(0, 1_000) ?? null,
        r.ok,
        row.id,
        job.attempt - 1,
      ],
    );
    if (recorded.length) await this.followUp(row, job, r, next);
    return status;
  }

  /** The next try queued (the sweep queues it if Redis is away), and the endpoint turned off after days of failing. */
  private async followUp(row: DeliveryRow, job: WebhookDeliverJob, r: TryResult, next: Date | null): Promise<void> {
    const { config } = this.scope.deps;
    if (next)
      await this.scope.deps.queues
        .enqueueWebhookDeliveries([
          { organizationId: job.organizationId, deliveryId: row.id, attempt: job.attempt + 1, at: next },
        ])
        .catch((err: Error) =>
          this.scope.deps.log.warn({ err: err.message }, 'webhook retry not queued; the sweep will'),
        );
    if (!r.ok && row.failing_since_days !== null && row.failing_since_days >= config.webhooks.disableAfterDays)
      await this.disableFailing(row);
  }

  /** Off after failing for WEBHOOK_DISABLE_AFTER_DAYS days in a row, and the organization's admins are told. */
  private async disableFailing(row: DeliveryRow): Promise<void> {
    const days = this.scope.deps.config.webhooks.disableAfterDays;
    const reason = `Every delivery failed for ${days} days in a row`;
    const off = await this.scope.em.execute<{ id: string }[]>(
      `update webhook_endpoints set enabled = false, disabled_reason = ?, updated_at = now()
        where id = ? and enabled returning id`,
      [reason, row.endpoint_id],
    );
    if (!off.length) return;
    await new NotificationService(this.scope).notifyAdmins({
      kind: NotificationKind.WEBHOOK_DISABLED,
      title: `Webhook endpoint ${row.url.slice(0, 200)} was turned off`,
      body: `${reason}. Fix the receiver, then enable it again and replay what it missed.`,
      dedupeKey: `webhook-disabled:${row.endpoint_id}:${Date.now()}`,
    });
  }
}

/** ±10%, so endpoints that failed together do not all come back in the same instant. */
function jitter(ms: number): number {
  return Math.round(ms * (0.9 + Math.random() * 0.2));
}
