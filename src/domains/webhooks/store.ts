import DataLoader from 'dataloader';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { WebhookDeliveryStatus } from '../../../entities/enums.js';
import { withTenant } from '../../platform/tenancy/tenant-em.js';
import { pgArray } from '../../platform/db/pg-array.js';

/** A delivery claimed for one try, with what the try needs. */
export interface ClaimedDelivery {
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

/** What one try came to, as recorded. */
export interface TryRecord {
  attemptId: string;
  deliveryId: string;
  endpointId: string;
  attempt: number;
  replay: boolean;
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  responseExcerpt: string | null;
  status: WebhookDeliveryStatus;
  nextAttemptAt: Date | null;
}

const WINDOW_MS = 2;
const MAX_BATCH = 200;

/**
 * The webhook workers' reads and writes, batched per organization across the tries running at the
 * same moment in this process (group commit): the claims of a few milliseconds are one statement,
 * their records another. A try still waits for its own claim and its own record to be committed
 * before its job completes, so nothing is acknowledged that is not stored. At 50 tries in flight
 * this turns ~3 statements per delivery into ~3 per batch; the socket writes they cost were the
 * largest share of a worker's CPU.
 */
export class WebhookStore {
  private readonly claims = new Map<
    string,
    DataLoader<{ id: string; attempt: number; replay: boolean }, ClaimedDelivery | null>
  >();
  private readonly records = new Map<string, DataLoader<TryRecord, boolean>>();

  constructor(
    private readonly orm: MikroORM,
    private readonly leaseMs: () => number,
  ) {}

  /** Holds the delivery for this try (null: gone, another try's, already succeeded, or in flight elsewhere). */
  claim(
    organizationId: string,
    item: { id: string; attempt: number; replay: boolean },
  ): Promise<ClaimedDelivery | null> {
    return this.loader(this.claims, organizationId, (items) => this.claimBatch(organizationId, items)).load(item);
  }

  /** Stores a try and its delivery's new state; false when the delivery moved on meanwhile. */
  record(organizationId: string, r: TryRecord): Promise<boolean> {
    return this.loader(this.records, organizationId, (items) => this.recordBatch(organizationId, items)).load(r);
  }

  private loader<K, V>(
    map: Map<string, DataLoader<K, V>>,
    organizationId: string,
    batch: (items: readonly K[]) => Promise<V[]>,
  ): DataLoader<K, V> {
    let l = map.get(organizationId);
    if (!l) {
      l = new DataLoader<K, V>(batch, {
        cache: false,
        maxBatchSize: MAX_BATCH,
        batchScheduleFn: (run) => setTimeout(run, WINDOW_MS),
      });
      if (map.size > 1_000) map.clear();
      map.set(organizationId, l);
    }
    return l;
  }

  private claimBatch(
    organizationId: string,
    items: readonly { id: string; attempt: number; replay: boolean }[],
  ): Promise<(ClaimedDelivery | null)[]> {
    return withTenant(this.orm, organizationId, async (em) => {
      const rows = await em.execute<ClaimedDelivery[]>(
        `with v as (select * from unnest(?::uuid[], ?::int[], ?::boolean[]) as v (id, attempts, replay)),
         claimed as (
           update webhook_deliveries d set locked_until = now() + ?::interval
             from v
            where d.id = v.id and d.attempts = v.attempts and (v.replay or d.status <> 'SUCCEEDED')
              and (d.locked_until is null or d.locked_until < now())
           returning d.id, d.status, d.attempts, d.endpoint_id, d.event_id
         )
         select c.id, c.status, c.attempts, c.endpoint_id, e.url, e.enabled, e.secret, e.previous_secret,
                coalesce(e.previous_secret_until > now(), false) as previous_valid,
                extract(epoch from now() - e.failing_since) / 86400 as failing_since_days,
                ev.id as event_id, ev.type, webhook_ts(ev.created_at) as timestamp, ev.data
           from claimed c
           join webhook_endpoints e on e.id = c.endpoint_id
           join webhook_events ev on ev.id = c.event_id`,
        [
          pgArray(items.map((i) => i.id)),
          pgArray(items.map((i) => String(i.attempt - 1))),
          pgArray(items.map((i) => String(i.replay))),
          `${this.leaseMs()} milliseconds`,
        ],
      );
      const byId = new Map(rows.map((r) => [r.id, r]));
      // The same delivery asked for twice in one batch (a replay beside a scheduled retry): one claim.
      return items.map((i) => {
        const row = byId.get(i.id) ?? null;
        byId.delete(i.id);
        return row;
      });
    });
  }

  private recordBatch(organizationId: string, items: readonly TryRecord[]): Promise<boolean[]> {
    const col = <T>(f: (r: TryRecord) => T) => pgArray(items.map((r) => (f(r) === null ? null : String(f(r)))));
    return withTenant(this.orm, organizationId, async (em) => {
      const rows = await em.execute<{ id: string }[]>(
        `with v as (
           select * from unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::int[], ?::boolean[], ?::boolean[], ?::int[],
                                ?::int[], ?::text[], ?::text[], ?::webhook_delivery_status[], ?::timestamptz[])
             as v (attempt_id, delivery_id, endpoint_id, attempt, replay, ok, status_code, latency_ms, error,
                   response_excerpt, status, next_attempt_at)
         ), moved as (
           update webhook_deliveries d
              set attempts = v.attempt, status = v.status, next_attempt_at = v.next_attempt_at,
                  last_attempt_at = now(), last_status_code = v.status_code, locked_until = null,
                  last_error = v.error, succeeded_at = case when v.ok then now() else d.succeeded_at end,
                  updated_at = now()
             from v
            where d.id = v.delivery_id and d.attempts = v.attempt - 1
           returning d.id
         ), tries as (
           insert into webhook_attempts (id, organization_id, delivery_id, attempt, replay, status_code, latency_ms,
                                         error, response_excerpt)
           select v.attempt_id, ?, v.delivery_id, v.attempt, v.replay, v.status_code, v.latency_ms, v.error,
                  v.response_excerpt
             from v where v.delivery_id in (select id from moved)
         ), streaks as (
           update webhook_endpoints e
              set failing_since = case when s.any_ok then null else coalesce(e.failing_since, now()) end
             from (select endpoint_id, bool_or(ok) as any_ok from v group by endpoint_id) s
            where e.id = s.endpoint_id and (e.failing_since is null) = (not s.any_ok)
         )
         select id from moved`,
        [
          col((r) => r.attemptId),
          col((r) => r.deliveryId),
          col((r) => r.endpointId),
          col((r) => r.attempt),
          col((r) => r.replay),
          col((r) => r.ok),
          col((r) => r.statusCode),
          col((r) => r.latencyMs),
          col((r) => r.error),
          col((r) => r.responseExcerpt),
          col((r) => r.status),
          col((r) => r.nextAttemptAt?.toISOString() ?? null),
          organizationId,
        ],
      );
      const moved = new Set(rows.map((r) => r.id));
      return items.map((r) => moved.has(r.deliveryId));
    });
  }
}
