import type { CampaignRecipient } from './CampaignRecipient.js';
import type { RecipientStatus, SkipReason } from './enums.js';
import { PagedRepository, type Page, type PageRequest } from './pagination.js';

export interface RecipientFilter {
  status?: RecipientStatus | null;
  reason?: SkipReason | null;
}

export class CampaignRecipientRepository extends PagedRepository<CampaignRecipient> {
  /** A campaign's recipients in a stable order (added at launch, then id), which sends updating them do not change. */
  page(
    organizationId: string,
    campaignId: string,
    filter: RecipientFilter,
    page: PageRequest,
  ): Promise<Page<CampaignRecipient>> {
    const where = {
      campaignId,
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.reason ? { reason: filter.reason } : {}),
    };
    return this.findPage(where, { column: 'createdAt', direction: 'asc' }, page, organizationId);
  }
}
