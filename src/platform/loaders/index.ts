import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import {
  Activity,
  Deal,
  DealStageChange,
  InboundMessage,
  Lead,
  Memo,
  Property,
  ShareLink,
  Task,
  Underwriting,
  User,
} from '../../../entities/index.js';
import { columnsOf, selectList, snapshotMapper } from '../../../entities/snapshot.js';
import { isUuid } from '../validate.js';

type Ctor<T> = new (...args: never[]) => T;

/**
 * Loaders return read snapshots: rows selected with SQL derived once from the entity metadata and
 * mapped to property names (see entities/snapshot.ts), without hydrating tracked entities. Field
 * resolvers only read, and skipping the unit of work and query building is several times cheaper
 * per row (see docs/architecture.md, "Performance"). Ids are bound as one array (`= any(?)`).
 */
function reader<T extends object>(
  em: EntityManager,
  org: string,
  entity: Ctor<T>,
  key: string,
  orderBy: Record<string, 'asc' | 'desc'>,
) {
  const { sql, toSnapshots } = statementFor(em, entity, key, orderBy);
  return async (keys: readonly string[]): Promise<T[]> => {
    // One array parameter (the driver would expand a JS array into a list); ids are UUIDs, and a
    // malformed one could not match a row anyway.
    const ids = `{${keys.filter(isUuid).join(',')}}`;
    return toSnapshots(await em.getConnection().execute<Record<string, unknown>[]>(sql, [org, ids]));
  };
}

/** SQL and row mapping per (entity, key, order): derived from metadata once per process, not per request. */
const statements = new Map<string, { sql: string; toSnapshots: (rows: Record<string, unknown>[]) => unknown[] }>();
function statementFor<T extends object>(
  em: EntityManager,
  entity: Ctor<T>,
  key: string,
  orderBy: Record<string, 'asc' | 'desc'>,
) {
  const id = `${entity.name}:${key}:${JSON.stringify(orderBy)}`;
  let st = statements.get(id);
  if (!st) {
    const meta = em.getMetadata().find(entity)!;
    const columns = columnsOf(meta);
    const column = (prop: string) => `"${columns.find((c) => c.name === prop)!.column}"`;
    st = {
      sql:
        `select ${selectList(meta)} from "${meta.tableName}"` +
        ` where "organization_id" = ? and ${column(key)} = any(?::uuid[])` +
        ` order by ${Object.entries(orderBy)
          .map(([k, dir]) => `${column(k)} ${dir}`)
          .join(', ')}`,
      toSnapshots: snapshotMapper<T>(meta, em.getPlatform()),
    };
    statements.set(id, st);
  }
  return st as { sql: string; toSnapshots: (rows: Record<string, unknown>[]) => T[] };
}

/** One row by id; missing ids (other organizations included) resolve to null. */
function byId<T extends { id: string }>(em: EntityManager, org: string, entity: Ctor<T>): DataLoader<string, T | null> {
  const read = reader(em, org, entity, 'id', { id: 'asc' });
  return new DataLoader(async (ids) => {
    const rows = await read(ids);
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  });
}

/** All children of each parent id, in the given order, in one statement per batch. */
function byParent<T extends object>(
  em: EntityManager,
  org: string,
  entity: Ctor<T>,
  key: keyof T & string,
  orderBy: Record<string, 'asc' | 'desc'>,
): DataLoader<string, T[]> {
  const read = reader(em, org, entity, key, orderBy);
  return new DataLoader(async (parentIds) => {
    const rows = await read(parentIds);
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

/**
 * Per-request DataLoaders for field resolvers. They run in the request's (or the WebSocket
 * operation's) tenant scope, entered by the platform, and filter by the organization explicitly too.
 */
export function createLoaders(em: EntityManager, org: string) {
  return {
    property: byId(em, org, Property),
    lead: byId(em, org, Lead),
    deal: byId(em, org, Deal),
    user: byId(em, org, User),
    memo: byId(em, org, Memo),
    underwriting: byId(em, org, Underwriting),
    activity: byId(em, org, Activity),
    task: byId(em, org, Task),
    inboundMessage: byId(em, org, InboundMessage),
    leadsByProperty: byParent(em, org, Lead, 'propertyId', { createdAt: 'desc', id: 'asc' }),
    dealsByProperty: byParent(em, org, Deal, 'propertyId', { createdAt: 'desc', id: 'asc' }),
    dealsByLead: byParent(em, org, Deal, 'leadId', { createdAt: 'desc', id: 'asc' }),
    activitiesByLead: byParent(em, org, Activity, 'leadId', { occurredAt: 'desc', id: 'asc' }),
    stageHistoryByDeal: byParent(em, org, DealStageChange, 'dealId', { at: 'asc', id: 'asc' }),
    underwritingsByDeal: byParent(em, org, Underwriting, 'dealId', { version: 'desc', id: 'asc' }),
    memosByDeal: byParent(em, org, Memo, 'dealId', { createdAt: 'desc', id: 'asc' }),
    shareLinksByMemo: byParent(em, org, ShareLink, 'memoId', { createdAt: 'desc', id: 'asc' }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
