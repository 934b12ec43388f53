import type { AppDeps } from '../../platform/deps.js';
import { forkAnonymous } from '../../platform/tenancy/tenant-em.js';

/** How often one worker process prunes the audit log. */
const EVERY_MS = 10 * 60_000;
let last = 0;

/**
 * Deletes audit entries older than their organization's `auditRetentionDays` (the security-definer
 * `audit_prune`: the app role itself cannot delete them). At most every 10 minutes per process;
 * returns how many went.
 */
export async function pruneAuditLog(deps: AppDeps, now = Date.now()): Promise<number> {
  if (now - last < EVERY_MS) return 0;
  last = now;
  const rows = await forkAnonymous(deps.orm).getConnection().execute<{ n: string }[]>('select audit_prune() as n');
  return Number(rows[0]?.n ?? 0);
}
