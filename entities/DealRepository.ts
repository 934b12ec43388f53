import type { FilterQuery } from '@mikro-orm/core';
import type { Deal } from './Deal.js';
import { executePrepared } from '../src/platform/db/prepared.js';
import type { DealStage } from './enums.js';
import { likePattern, PagedRepository, type Order, type Page, type PageRequest } from './pagination.js';

export interface DealFilter {
  search?: string | null;
  stages?: DealStage[] | null;
  assignedUserId?: string | null;
  leadId?: string | null;
  propertyId?: string | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
}

export type DealOrderColumn = 'createdAt' | 'updatedAt' | 'stageChangedAt' | 'contractPrice' | 'expectedCloseDate';

export interface StageTotal {
  stage: DealStage;
  count: number;
  totalValue: number;
}

export class DealRepository extends PagedRepository<Deal> {
  page(
    organizationId: string,
    filter: DealFilter,
    order: Order<DealOrderColumn>,
    page: PageRequest,
  ): Promise<Page<Deal>> {
    return this.findPage(this.where(filter), order, page, organizationId);
  }

  /** Count and value per stage for one organization; a deal's value is its contract price, else its offer. */
  async totalsByStage(organizationId: string): Promise<StageTotal[]> {
    const rows = await executePrepared<{ stage: DealStage; count: number; total_value: number }>(
      this.getEntityManager(),
      `select stage, count(*)::int as count,
              coalesce(sum(coalesce(contract_price, offer_amount, 0)), 0)::float8 as total_value
         from deals where organization_id = ? group by stage`,
      [organizationId],
    );
    return rows.map((r) => ({ stage: r.stage, count: Number(r.count), totalValue: Number(r.total_value) }));
  }

  private where(f: DealFilter): FilterQuery<Deal> {
    const and: FilterQuery<Deal>[] = [];
    if (f.search?.trim()) and.push({ title: { $ilike: likePattern(f.search.trim()) } });
    if (f.stages?.length) and.push({ stage: { $in: f.stages } });
    if (f.assignedUserId) and.push({ assignedUserId: f.assignedUserId });
    if (f.leadId) and.push({ leadId: f.leadId });
    if (f.propertyId) and.push({ propertyId: f.propertyId });
    if (f.createdAfter) and.push({ createdAt: { $gte: f.createdAfter } });
    if (f.createdBefore) and.push({ createdAt: { $lt: f.createdBefore } });
    return and.length ? { $and: and } : {};
  }
}
