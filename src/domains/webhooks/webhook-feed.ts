import type { AppDeps } from '../../platform/deps.js';
import { listenForNotifications } from '../../platform/db/listen.js';
import { redisHealth } from '../../platform/redis.js';
import { forkAnonymous } from '../../platform/tenancy/tenant-em.js';

/** Events of one organization within this many ms are fanned out by one job. */
export const WEBHOOK_WINDOW_MS = 25;

export function kickWebhooks(deps: AppDeps, organizationId: string): Promise<void> {
  return deps.queues.enqueueWebhookDispatch(
    organizationId,
    Math.floor(Date.now() / WEBHOOK_WINDOW_MS),
    WEBHOOK_WINDOW_MS,
  );
}

/**
 * `webhook_emit` NOTIFYs `webhook_events` with the organization when a transaction that recorded
 * events commits; this queues that organization's fan-out.
 */
export function listenForWebhookEvents(deps: AppDeps): { stop(): Promise<void> } {
  return listenForNotifications(deps.config.databaseUrl, 'webhook_events', (organizationId) => {
    kickWebhooks(deps, organizationId).catch((err) => redisHealth.report(err, 'webhook kick failed'));
  });
}

/**
 * What a missed NOTIFY or a lost job leaves: organizations whose events waited longer than
 * `graceMs`, and tries overdue by as much (queued again under their own job id).
 */
export async function sweepWebhooks(deps: AppDeps, graceMs = 30_000): Promise<number> {
  const rows = await forkAnonymous(deps.orm)
    .getConnection()
    .execute<{ organization_id: string; delivery_id: string | null; attempts: number | null }[]>(
      'select * from app_webhook_sweep(?::interval)',
      [`${graceMs} milliseconds`],
    );
  const due = rows.filter((r) => r.delivery_id);
  for (const r of rows) if (!r.delivery_id) await kickWebhooks(deps, r.organization_id);
  if (due.length)
    await deps.queues.enqueueWebhookDeliveries(
      due.map((r) => ({
        organizationId: r.organization_id,
        deliveryId: r.delivery_id!,
        attempt: (r.attempts ?? 0) + 1,
      })),
      true,
    );
  return rows.length;
}
