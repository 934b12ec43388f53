import type { Pool } from 'pg';
import { currentTenant } from '../tenancy/tenant-context.js';

/** The parts of pg-pool (`pg.Pool`) this touches; checked at start, so a pg-pool that changed them is left alone. */
interface PoolInternals {
  _idle: { client: object }[];
  _pendingQueue: { tenant?: string; skipped?: number }[];
  _pulseQueue(): void;
  connect(cb?: unknown): unknown;
}

/** The organization each pooled client last served (its `app.organization_id`). */
const served = new WeakMap<object, string>();

/** Moves the idle client that last served `tenant` (the most recent such) to the end, where pg-pool takes from. */
function bringForward(idle: PoolInternals['_idle'], tenant: string): void {
  for (let i = idle.length - 1; i >= 0; i--) {
    if (served.get(idle[i]!.client) !== tenant) continue;
    if (i !== idle.length - 1) idle.push(idle.splice(i, 1)[0]!);
    return;
  }
}

/** How many waiters may jump ahead of one waiter, and how far back a waiter is looked for. */
const MAX_SKIPPED = 8;
const LOOK_AHEAD = 16;

/**
 * Under load one connection is free at a time, so there is nothing to choose among: instead a
 * waiter of the organization the free connection last served, close behind, goes first — unless a
 * waiter it would pass has already been passed MAX_SKIPPED times (no one waits long for this).
 */
function jumpTheQueue(queue: PoolInternals['_pendingQueue'], tenant: string): void {
  const limit = Math.min(queue.length, LOOK_AHEAD);
  for (let i = 1; i < limit; i++) {
    if ((queue[i - 1]!.skipped ?? 0) >= MAX_SKIPPED) return;
    if (queue[i]!.tenant !== tenant) continue;
    for (let j = 0; j < i; j++) queue[j]!.skipped = (queue[j]!.skipped ?? 0) + 1;
    queue.unshift(queue.splice(i, 1)[0]!);
    return;
  }
}

/**
 * Connection affinity per organization. Every reserved connection must carry its organization for
 * row-level security, and a connection last used by another organization costs a `set_config`
 * round trip first (src/platform/tenancy/tenant-context.ts). pg-pool hands out the most recently
 * idle connection whoever it served; under load with several organizations nearly every
 * reservation switched (4.3 `set_config` per nested-read request beside 5 data statements). Here
 * each waiter remembers its organization; before pg-pool serves the next waiter, the idle
 * connection that last served its organization is put where pg-pool takes from, or, when the one
 * free connection is another organization's, a waiter of that organization close behind is served
 * first (jumpTheQueue). Which connection a request gets, and when, is all that changes: the tenant
 * is still set on every reservation that needs it.
 */
export function preferSameTenant(pool: Pool): boolean {
  const p = pool as unknown as PoolInternals;
  if (!Array.isArray(p._idle) || !Array.isArray(p._pendingQueue) || typeof p._pulseQueue !== 'function') return false;
  const pulse = p._pulseQueue.bind(p);
  const connect = p.connect.bind(p);
  p._pulseQueue = () => {
    const queue = p._pendingQueue;
    const idle = p._idle;
    if (queue.length && idle.length) {
      const head = queue[0]!;
      if (head.tenant !== undefined) bringForward(idle, head.tenant);
      const has = served.get(idle[idle.length - 1]!.client);
      if (has !== undefined && head.tenant !== has) jumpTheQueue(queue, has);
      served.set(idle[idle.length - 1]!.client, queue[0]!.tenant ?? '');
    }
    pulse();
  };
  p.connect = (cb?: unknown) => {
    const tenant = currentTenant() ?? '';
    const queued = p._pendingQueue.length;
    const result = connect(cb);
    // A waiter was queued (pg-pool queues every reservation while a client is idle or the pool is full).
    if (p._pendingQueue.length > queued) p._pendingQueue[p._pendingQueue.length - 1]!.tenant = tenant;
    // A new connection serves this organization from the start.
    else if (result instanceof Promise)
      void result.then(
        (client: object) => served.set(client, tenant),
        () => undefined,
      );
    return result;
  };
  return true;
}
