import type { WebhookDelivery } from './WebhookDelivery.js';
import type { WebhookDeliveryStatus } from './enums.js';
import { PagedRepository, type Page, type PageRequest } from './pagination.js';

export class WebhookDeliveryRepository extends PagedRepository<WebhookDelivery> {
  /** An endpoint's deliveries, newest first, optionally of one status. */
  page(
    organizationId: string,
    endpointId: string,
    status: WebhookDeliveryStatus | null | undefined,
    page: PageRequest,
  ): Promise<Page<WebhookDelivery>> {
    const where = status ? { endpointId, status } : { endpointId };
    return this.findPage(where, { column: 'createdAt', direction: 'desc' }, page, organizationId);
  }
}
