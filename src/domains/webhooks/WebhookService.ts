import { randomUUID } from 'node:crypto';
import { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from '../../../entities/index.js';
import { WebhookDeliveryStatus } from '../../../entities/enums.js';
import type { Page, PageRequest } from '../../../entities/pagination.js';
import { ValidationError } from '../../platform/errors/index.js';
import * as v from '../../platform/validate.js';
import { pgArray } from '../../platform/db/pg-array.js';
import { findOrNotFound, requireActor, type ServiceScope } from '../scope.js';
import { WebhookDeliverer } from './deliveries.js';
import { WebhookDispatcher } from './dispatch.js';
import { TEST_EVENT_TYPE, WEBHOOK_EVENT_TYPES } from './event-types.js';
import { newWebhookSecret } from './signing.js';
import { checkTargetUrl } from './targets.js';
import type { WebhookDeliverJob } from '../../platform/jobs/queues.js';

export interface EndpointFields {
  url?: string | null;
  events?: string[] | null;
  description?: string | null;
}

/** A delivery with what it carried and every try, as the API shows it. */
export type DeliveryView = WebhookDelivery & {
  event: { id: string; type: string; createdAt: Date; timestamp: string; data: unknown };
  tries: WebhookAttempt[];
};

const MAX_ENDPOINTS = 20;
/** The old secret keeps signing this long after a rotation. */
const ROTATION_OVERLAP_MS = 24 * 3600_000;

/**
 * Outbound webhooks: endpoints (OWNER/ADMIN), their signing secrets (shown once; rotation keeps the
 * old one signing for 24 h), the delivery log and replays, and the two jobs (dispatch, deliver).
 * Events come from the database (see Migration20261206100000_integrations); docs/integrations.md.
 */
export class WebhookService {
  constructor(private readonly scope: ServiceScope) {}

  get(id: string): Promise<WebhookEndpoint> {
    return findOrNotFound(this.scope.em, WebhookEndpoint, id, 'WebhookEndpoint');
  }

  list(): Promise<WebhookEndpoint[]> {
    return this.scope.em.find(WebhookEndpoint, {}, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  async create(input: EndpointFields): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    const actor = requireActor(this.scope);
    if (!input.url) throw new ValidationError('input.url is required', 'input.url');
    if ((await this.scope.em.count(WebhookEndpoint, {})) >= MAX_ENDPOINTS)
      throw new ValidationError(`At most ${MAX_ENDPOINTS} webhook endpoints per organization`, 'input.url');
    const secret = newWebhookSecret();
    const endpoint = this.scope.em.create(WebhookEndpoint, {
      url: await this.url(input.url),
      eventTypes: eventTypes(input.events),
      description: v.optionalText(input.description, 'input.description', 500),
      secret: this.scope.deps.secretBox.seal(secret),
      createdById: actor.id,
    });
    await this.scope.em.flush();
    return { endpoint, secret };
  }

  async update(id: string, input: EndpointFields & { enabled?: boolean | null }): Promise<WebhookEndpoint> {
    const endpoint = await this.get(id);
    if (input.url != null) endpoint.url = await this.url(input.url);
    if (input.events != null) endpoint.eventTypes = eventTypes(input.events);
    if (input.description !== undefined)
      endpoint.description = v.optionalText(input.description, 'input.description', 500);
    if (input.enabled != null) this.enable(endpoint, input.enabled, 'Disabled by a person');
    await this.scope.em.flush();
    return endpoint;
  }

  async setEnabled(id: string, enabled: boolean): Promise<WebhookEndpoint> {
    return this.update(id, { enabled });
  }

  private enable(endpoint: WebhookEndpoint, enabled: boolean, reason: string): void {
    endpoint.enabled = enabled;
    endpoint.disabledReason = enabled ? undefined : reason;
    if (enabled) endpoint.failingSince = undefined;
  }

  /** A new secret, shown once; the old one keeps signing (a second signature) for 24 hours. */
  async rotateSecret(id: string): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    const endpoint = await this.get(id);
    const secret = newWebhookSecret();
    endpoint.previousSecret = endpoint.secret;
    endpoint.previousSecretUntil = new Date(Date.now() + ROTATION_OVERLAP_MS);
    endpoint.secret = this.scope.deps.secretBox.seal(secret);
    await this.scope.em.flush();
    return { endpoint, secret };
  }

  /** Deletes the endpoint and its delivery log; tries already queued find nothing to send. */
  async delete(id: string): Promise<boolean> {
    await this.scope.em.remove(await this.get(id)).flush();
    return true;
  }

  /** A `webhook.test` event for this endpoint only, delivered like any other; returns its delivery. */
  async sendTest(id: string): Promise<DeliveryView> {
    const endpoint = await this.get(id);
    const deliveryId = randomUUID();
    await this.scope.em.execute(
      `with ev as (
         insert into webhook_events (organization_id, type, data, endpoint_id, dispatched_at)
         values (?, ?, ?::jsonb, ?, now()) returning id
       )
       insert into webhook_deliveries (id, organization_id, endpoint_id, event_id, next_attempt_at)
       select ?, ?, ?, ev.id, now() from ev`,
      [
        endpoint.organizationId,
        TEST_EVENT_TYPE,
        JSON.stringify({ endpointId: endpoint.id, message: 'A test event from Real Estate OS' }),
        endpoint.id,
        deliveryId,
        endpoint.organizationId,
        endpoint.id,
      ],
    );
    await this.scope.deps.queues.enqueueWebhookDeliveries([
      { organizationId: endpoint.organizationId, deliveryId, attempt: 1 },
    ]);
    return this.delivery(deliveryId);
  }

  /** One more try of a delivery, now, with the same `webhook-id` and body; each call is one try. */
  async replay(deliveryId: string): Promise<DeliveryView> {
    const delivery = await findOrNotFound(this.scope.em, WebhookDelivery, deliveryId, 'WebhookDelivery');
    const rows = await this.scope.em.execute<{ attempts: number }[]>(
      `update webhook_deliveries set replays = replays + 1, status = 'PENDING', next_attempt_at = now(),
              updated_at = now()
        where id = ? returning attempts`,
      [delivery.id],
    );
    await this.scope.deps.queues.enqueueWebhookDeliveries([
      {
        organizationId: delivery.organizationId,
        deliveryId: delivery.id,
        attempt: rows[0]!.attempts + 1,
        replay: true,
      },
    ]);
    return this.delivery(delivery.id);
  }

  async deliveries(
    endpointId: string,
    status: WebhookDeliveryStatus | null | undefined,
    page: PageRequest,
  ): Promise<Page<DeliveryView>> {
    const endpoint = await this.get(endpointId);
    const result = await this.scope.em
      .getRepository(WebhookDelivery)
      .page(endpoint.organizationId, endpoint.id, status, page);
    return { ...result, items: await this.withDetails(result.items) };
  }

  async delivery(id: string): Promise<DeliveryView> {
    const d = await findOrNotFound(this.scope.em, WebhookDelivery, id, 'WebhookDelivery');
    return (await this.withDetails([d]))[0]!;
  }

  /** Events and tries of a page of deliveries: two statements whatever the page size. */
  private async withDetails(items: WebhookDelivery[]): Promise<DeliveryView[]> {
    if (!items.length) return [];
    const em = this.scope.em;
    const [events, tries] = await Promise.all([
      em.execute<{ id: string; type: string; created_at: string; ts: string; data: unknown }[]>(
        'select id, type, created_at, webhook_ts(created_at) as ts, data from webhook_events where id = any(?::uuid[])',
        [pgArray(items.map((d) => d.eventId))],
      ),
      em.find(
        WebhookAttempt,
        { deliveryId: { $in: items.map((d) => d.id) } },
        { orderBy: { createdAt: 'asc', attempt: 'asc' } },
      ),
    ]);
    const byId = new Map(events.map((e) => [e.id, e]));
    return items.map((d) => {
      const e = byId.get(d.eventId)!;
      return Object.assign(d, {
        event: { id: e.id, type: e.type, createdAt: new Date(e.created_at), timestamp: e.ts, data: e.data },
        tries: tries.filter((t) => t.deliveryId === d.id),
      });
    });
  }

  /** `webhook-dispatch` job body. */
  dispatch(organizationId: string) {
    return new WebhookDispatcher(this.scope).dispatch(organizationId);
  }

  /** `webhook-deliver` job body. */
  deliver(job: WebhookDeliverJob) {
    return new WebhookDeliverer(this.scope).deliver(job);
  }

  private url(raw: string): Promise<string> {
    return checkTargetUrl(raw, this.scope.deps.config.webhooks.allowPrivateTargets);
  }
}

function eventTypes(events: string[] | null | undefined): string[] {
  if (!events?.length) throw new ValidationError('input.events: name at least one event type (or "*")', 'input.events');
  if (events.length > 50) throw new ValidationError('input.events: at most 50', 'input.events');
  events.forEach((e, i) => {
    if (e !== '*' && !(e in WEBHOOK_EVENT_TYPES))
      throw new ValidationError(
        `Unknown event type "${String(e).slice(0, 60)}"; see webhookEventTypes`,
        `input.events[${i}]`,
      );
  });
  return [...new Set(events)];
}
