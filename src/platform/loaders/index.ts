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
import type { GraphQLResolveInfo } from 'graphql';
import { columnsOf, selectList, snapshotMapper } from '../../../entities/snapshot.js';
import { isUuid } from '../validate.js';
import { persistedProps, selectedProps } from './selection.js';

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
  props: readonly string[] | null,
) {
  let statement: ReturnType<typeof statementFor<T>> | undefined; // on first use: most loaders of a request never run
  return async (keys: readonly string[]): Promise<T[]> => {
    const { sql, toSnapshots } = (statement ??= statementFor(em, entity, key, orderBy, props));
    // One array parameter (the driver would expand a JS array into a list); ids are UUIDs, and a
    // malformed one could not match a row anyway.
    const ids = `{${keys.filter(isUuid).join(',')}}`;
    return toSnapshots(await em.getConnection().execute<Record<string, unknown>[]>(sql, [org, ids]));
  };
}

/**
 * SQL and row mapping per (entity, key, order, properties read): derived from metadata once per
 * process, not per request. `props` null reads every column; otherwise those, the id and the key.
 */
const statements = new Map<string, { sql: string; toSnapshots: (rows: Record<string, unknown>[]) => unknown[] }>();
function statementFor<T extends object>(
  em: EntityManager,
  entity: Ctor<T>,
  key: string,
  orderBy: Record<string, 'asc' | 'desc'>,
  props: readonly string[] | null,
) {
  const id = `${entity.name}:${key}:${JSON.stringify(orderBy)}:${props?.join(',') ?? '*'}`;
  let st = statements.get(id);
  if (!st) {
    const meta = em.getMetadata().find(entity)!;
    const columns = columnsOf(meta);
    const column = (prop: string) => `"${columns.find((c) => c.name === prop)!.column}"`;
    st = {
      sql:
        `select ${selectList(meta, undefined, props && [...props, 'id', key])} from "${meta.tableName}"` +
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
function byId<T extends { id: string }>(em: EntityManager, org: string, entity: Ctor<T>) {
  return selectable(em, entity, (props) => byIdReading(em, org, entity, props));
}

function byIdReading<T extends { id: string }>(
  em: EntityManager,
  org: string,
  entity: Ctor<T>,
  props: readonly string[] | null,
): DataLoader<string, T | null> {
  const read = reader(em, org, entity, 'id', { id: 'asc' }, props);
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
) {
  return selectable(em, entity, (props) => byParentReading(em, org, entity, key, orderBy, props));
}

function byParentReading<T extends object>(
  em: EntityManager,
  org: string,
  entity: Ctor<T>,
  key: keyof T & string,
  orderBy: Record<string, 'asc' | 'desc'>,
  props: readonly string[] | null,
): DataLoader<string, T[]> {
  const read = reader(em, org, entity, key, orderBy, props);
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
 * A loader that reads whole rows, and `selecting(info, path?)`: a sibling loader of the same
 * request that reads only the columns the GraphQL selection at `path` below the current field needs
 * (see ./selection.ts), one per column set, so calls from one document position still batch.
 */
export type Selectable<L> = L & { selecting(info: SelectionInfo, path?: readonly string[]): L };
type SelectionInfo = Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>;

function selectable<L extends object>(
  em: EntityManager,
  entity: Ctor<object>,
  make: (props: readonly string[] | null) => L,
): Selectable<L> {
  const whole = make(null) as Selectable<L>;
  const variants = new Map<string, L>();
  // Sibling objects share their fields' nodes array (graphql-js and graphql-jit both), so the
  // loader for a document position is found without looking at the selection again.
  const byNodes = new WeakMap<SelectionInfo['fieldNodes'], L>();
  whole.selecting = (info, path) => {
    const known = path ? undefined : byNodes.get(info.fieldNodes);
    if (known) return known;
    const props = selectedProps(info, entity, persistedProps(em, entity), path);
    let loader = whole as L;
    if (props) {
      const k = props.join(',');
      loader = variants.get(k) ?? make(props);
      variants.set(k, loader);
    }
    if (!path) byNodes.set(info.fieldNodes, loader);
    return loader;
  };
  return whole;
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
