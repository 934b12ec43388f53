import type { FilterQuery } from '@mikro-orm/core';
import { likePattern, PagedRepository, type Order, type Page, type PageRequest } from './pagination.js';
import type { Property } from './Property.js';
import type { PropertyType } from './enums.js';

export interface PropertyFilter {
  search?: string | null;
  city?: string | null;
  state?: string | null;
  zip?: string | null;
  propertyTypes?: PropertyType[] | null;
  tagsAny?: string[] | null;
  tagsAll?: string[] | null;
  ownerOccupied?: boolean | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
  includeArchived?: boolean | null;
  minScore?: number | null;
  maxScore?: number | null;
}

export type PropertyOrderColumn = 'createdAt' | 'updatedAt' | 'estimatedValue' | 'city' | 'addressLine' | 'score';

export class PropertyRepository extends PagedRepository<Property> {
  /** Each property's state (for time zones), 5,000 ids per statement. */
  async statesOf(ids: string[]): Promise<Map<string, string>> {
    const states = new Map<string, string>();
    for (let i = 0; i < ids.length; i += 5_000) {
      const rows = await this.find({ id: { $in: ids.slice(i, i + 5_000) } }, { fields: ['id', 'state'] as never });
      for (const p of rows) states.set(p.id, p.state);
    }
    return states;
  }

  findByNormalizedAddress(normalizedAddress: string, excludeId?: string): Promise<Property | null> {
    return this.findOne({
      normalizedAddress,
      archivedAt: null,
      ...(excludeId ? { id: { $ne: excludeId } } : {}),
    });
  }

  page(
    organizationId: string,
    filter: PropertyFilter,
    order: Order<PropertyOrderColumn>,
    page: PageRequest,
  ): Promise<Page<Property>> {
    return this.findPage(this.where(filter), order, page, organizationId);
  }

  private where(f: PropertyFilter): FilterQuery<Property> {
    const and: FilterQuery<Property>[] = [];
    if (!f.includeArchived) and.push({ archivedAt: null });
    if (f.search?.trim()) {
      const p = likePattern(f.search.trim());
      and.push({
        $or: [
          { addressLine: { $ilike: p } },
          { ownerName: { $ilike: p } },
          { city: { $ilike: p } },
          { zip: { $like: p } },
        ],
      });
    }
    if (f.city) and.push({ city: { $ilike: f.city } });
    if (f.state) and.push({ state: f.state.toUpperCase() });
    if (f.zip) and.push({ zip: f.zip });
    if (f.propertyTypes?.length) and.push({ propertyType: { $in: f.propertyTypes } });
    if (f.tagsAny?.length) and.push({ tags: { $overlap: f.tagsAny } });
    if (f.tagsAll?.length) and.push({ tags: { $contains: f.tagsAll } });
    if (f.ownerOccupied != null) and.push({ ownerOccupied: f.ownerOccupied });
    if (f.createdAfter) and.push({ createdAt: { $gte: f.createdAfter } });
    if (f.createdBefore) and.push({ createdAt: { $lt: f.createdBefore } });
    if (f.minScore != null) and.push({ score: { $gte: f.minScore } });
    if (f.maxScore != null) and.push({ score: { $lte: f.maxScore } });
    return and.length ? { $and: and } : {};
  }
}
