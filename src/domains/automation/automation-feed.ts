import type { AppDeps } from '../../platform/deps.js';
import { redisHealth } from '../../platform/redis.js';
import { forkAnonymous } from '../../platform/tenancy/tenant-em.js';
import { listenForNotifications } from '../../platform/db/listen.js';

/** Events of one organization within this many ms are taken by one job. */
export const AUTOMATION_WINDOW_MS = 100;

/** Queues the organization's automation job for the current window (many events, one job). */
export function kickAutomation(deps: AppDeps, organizationId: string, delayWindows = 0): Promise<void> {
  const slice = Math.floor(Date.now() / AUTOMATION_WINDOW_MS) + delayWindows;
  return deps.queues.enqueueAutomation(organizationId, slice, AUTOMATION_WINDOW_MS);
}

/**
 * The worker's ear on the database: `automation_emit` NOTIFYs `automation_events` with the
 * organization when a transaction that recorded events commits (whatever made the change), and
 * this queues that organization's job. A dropped connection is reopened; what it missed the sweep
 * (sweepAutomation) finds.
 */
export function listenForAutomationEvents(deps: AppDeps): { stop(): Promise<void> } {
  return listenForNotifications(deps.config.databaseUrl, 'automation_events', (organizationId) => {
    kickAutomation(deps, organizationId).catch((err) => redisHealth.report(err, 'automation kick failed'));
  });
}

/**
 * Appends the time-based events (tasks that became overdue, leads without activity for a rule's
 * days) and queues every organization whose events have waited longer than `graceMs`.
 */
export async function sweepAutomation(deps: AppDeps, graceMs = 5_000): Promise<number> {
  const em = forkAnonymous(deps.orm);
  const rows = await em
    .getConnection()
    .execute<{ organization_id: string }[]>('select * from app_automation_sweep(?, ?::interval)', [
      5_000,
      `${graceMs} milliseconds`,
    ]);
  for (const r of rows) await kickAutomation(deps, r.organization_id);
  return rows.length;
}
