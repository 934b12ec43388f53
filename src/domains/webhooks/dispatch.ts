import type { ServiceScope } from '../scope.js';

const BATCH = 500;

/**
 * The `webhook-dispatch` job: the organization's events not yet fanned out become one delivery per
 * subscribed, enabled endpoint — the events taken (skip locked), their deliveries inserted and the
 * events marked dispatched in one statement, so two workers never fan the same event out — and
 * each delivery's first try is queued. Deliveries whose job could not be queued (Redis away right
 * after the commit) are found by the sweep (sweepWebhooks).
 */
export class WebhookDispatcher {
  constructor(private readonly scope: ServiceScope) {}

  async dispatch(organizationId: string): Promise<{ events: number; deliveries: number }> {
    let events = 0;
    let deliveries = 0;
    for (;;) {
      const rows = await this.scope.em.execute<{ id: string | null; events: number }[]>(
        `with ev as (
           select id, type, endpoint_id from webhook_events
            where organization_id = ? and dispatched_at is null
            order by seq limit ${BATCH} for update skip locked
         ), ins as (
           insert into webhook_deliveries (id, organization_id, endpoint_id, event_id, next_attempt_at)
           select gen_random_uuid(), e.organization_id, e.id, ev.id, now()
             from ev join webhook_endpoints e
               on e.organization_id = ? and e.enabled
              and (ev.endpoint_id = e.id
                   or (ev.endpoint_id is null and (ev.type = any (e.event_types) or '*' = any (e.event_types))))
           on conflict (endpoint_id, event_id) do nothing
           returning id
         ), done as (
           update webhook_events set dispatched_at = now() where id in (select id from ev)
         )
         select ins.id, (select count(*)::int from ev) as events from (select 1) one left join ins on true`,
        [organizationId, organizationId],
      );
      const taken = rows[0]?.events ?? 0;
      const ids = rows.flatMap((r) => (r.id ? [r.id] : []));
      if (ids.length)
        await this.scope.deps.queues.enqueueWebhookDeliveries(
          ids.map((deliveryId) => ({ organizationId, deliveryId, attempt: 1 })),
        );
      events += taken;
      deliveries += ids.length;
      if (taken < BATCH) return { events, deliveries };
    }
  }
}
