import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { Activity, Deal, DealStageChange, Lead, Property, User } from '../../entities/index.js';

type Ctor<T> = new (...args: never[]) => T;

/** One entity by id; missing ids (other organizations included) resolve to null. */
function byId<T extends { id: string }>(em: EntityManager, entity: Ctor<T>): DataLoader<string, T | null> {
  return new DataLoader(async (ids) => {
    const rows = await em.find(entity, { id: { $in: [...ids] } } as unknown as FilterQuery<T>);
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  });
}

/** All children of each parent id, in the given order, in one statement per batch. */
function byParent<T extends object>(
  em: EntityManager,
  entity: Ctor<T>,
  key: keyof T & string,
  orderBy: Record<string, 'asc' | 'desc'>,
): DataLoader<string, T[]> {
  return new DataLoader(async (parentIds) => {
    const rows = await em.find(entity, { [key]: { $in: [...parentIds] } } as FilterQuery<T>, { orderBy: orderBy as never });
    const groups = new Map<string, T[]>();
    for (const row of rows) {
      const k = row[key] as unknown as string;
      let list = groups.get(k);
      if (!list) groups.set(k, (list = []));
      list.push(row);
    }
    return parentIds.map((id) => groups.get(id) ?? []);
  });
}

/** Per-request DataLoaders over the request's own organization-scoped EntityManager. */
export function createLoaders(em: EntityManager) {
  return {
    property: byId(em, Property),
    lead: byId(em, Lead),
    deal: byId(em, Deal),
    user: byId(em, User),
    leadsByProperty: byParent(em, Lead, 'propertyId', { createdAt: 'desc', id: 'asc' }),
    dealsByProperty: byParent(em, Deal, 'propertyId', { createdAt: 'desc', id: 'asc' }),
    dealsByLead: byParent(em, Deal, 'leadId', { createdAt: 'desc', id: 'asc' }),
    activitiesByLead: byParent(em, Activity, 'leadId', { occurredAt: 'desc', id: 'asc' }),
    stageHistoryByDeal: byParent(em, DealStageChange, 'dealId', { at: 'asc', id: 'asc' }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
