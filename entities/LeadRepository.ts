import type { FilterQuery } from '@mikro-orm/core';
import type { LeadSource, LeadStatus } from './enums.js';
import type { Lead } from './Lead.js';
import { likePattern, PagedRepository, type Order, type Page, type PageRequest } from './pagination.js';

export interface LeadFilter {
  search?: string | null;
  statuses?: LeadStatus[] | null;
  sources?: LeadSource[] | null;
  assignedUserId?: string | null;
  propertyId?: string | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
}

export type LeadOrderColumn = 'createdAt' | 'updatedAt' | 'lastName';

export class LeadRepository extends PagedRepository<Lead> {
  page(
    organizationId: string,
    filter: LeadFilter,
    order: Order<LeadOrderColumn>,
    page: PageRequest,
  ): Promise<Page<Lead>> {
    return this.findPage(this.where(filter), order, page, organizationId);
  }

  /** The filter as a query; also how a campaign audience is evaluated at launch. */
  where(f: LeadFilter): FilterQuery<Lead> {
    const and: FilterQuery<Lead>[] = [];
    if (f.search?.trim()) {
      const p = likePattern(f.search.trim());
      and.push({
        $or: [
          { firstName: { $ilike: p } },
          { lastName: { $ilike: p } },
          { email: { $ilike: p } },
          { phone: { $like: p } },
        ],
      });
    }
    if (f.statuses?.length) and.push({ status: { $in: f.statuses } });
    if (f.sources?.length) and.push({ source: { $in: f.sources } });
    if (f.assignedUserId) and.push({ assignedUserId: f.assignedUserId });
    if (f.propertyId) and.push({ propertyId: f.propertyId });
    if (f.createdAfter) and.push({ createdAt: { $gte: f.createdAfter } });
    if (f.createdBefore) and.push({ createdAt: { $lt: f.createdBefore } });
    return and.length ? { $and: and } : {};
  }
}
