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
  /** Only leads never contacted (true) or contacted at least once (false). */
  contacted?: boolean | null;
  lastContactedBefore?: Date | null;
  lastContactedAfter?: Date | null;
  /** Only leads with (true) or without (false) an open task. */
  hasOpenTasks?: boolean | null;
  nextTaskBefore?: Date | null;
  /** A reply waits for an answer (an inbound message after the last outbound contact). */
  awaitingReply?: boolean | null;
  minScore?: number | null;
  maxScore?: number | null;
}

export type LeadOrderColumn =
  | 'createdAt'
  | 'updatedAt'
  | 'lastName'
  | 'lastContactedAt'
  | 'nextTaskAt'
  | 'openTaskCount'
  | 'lastActivityAt'
  | 'score';

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
    if (f.contacted != null) and.push({ lastContactedAt: f.contacted ? { $ne: null } : null });
    if (f.lastContactedBefore) and.push({ lastContactedAt: { $lt: f.lastContactedBefore } });
    if (f.lastContactedAfter) and.push({ lastContactedAt: { $gte: f.lastContactedAfter } });
    if (f.hasOpenTasks != null) and.push({ openTaskCount: f.hasOpenTasks ? { $gt: 0 } : 0 });
    if (f.nextTaskBefore) and.push({ nextTaskAt: { $lt: f.nextTaskBefore } });
    if (f.awaitingReply != null) and.push({ awaitingReply: f.awaitingReply });
    if (f.minScore != null) and.push({ score: { $gte: f.minScore } });
    if (f.maxScore != null) and.push({ score: { $lte: f.maxScore } });
    return and.length ? { $and: and } : {};
  }
}
