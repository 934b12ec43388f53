import type { InboundMessage } from './InboundMessage.js';
import { PagedRepository, type Page, type PageRequest } from './pagination.js';

export class InboundMessageRepository extends PagedRepository<InboundMessage> {
  /** Newest first. */
  page(organizationId: string, page: PageRequest): Promise<Page<InboundMessage>> {
    return this.findPage({}, { column: 'receivedAt', direction: 'desc' }, page, organizationId);
  }
}
