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
import { executePrepared } from '../db/prepared.js';
import { isUuid } from '../validate.js';
import { persistedProps, selectedProps, selectsOnce } from './selection.js';

type Ctor<T> = new (...args: never[]) => T;
type Row = Record<string, unknown>;

/**
 * A to-one relation whose rows a loader reads in the same statement as its own, when the GraphQL
 * selection asks for it: `field` is the GraphQL field, `key` the property holding the related id,
 * `target` the related entity's loader, which is primed with the rows so its field resolver finds
 * them without a statement of its own (`deal { lead { … } property { … } }` is one statement).
 */
interface ToOne {
  field: string;
  key: string;
  entity: Ctor<{ id: string }>;
  target: Selectable<DataLoader<string, object | null>>;
}

/** A to-one relation the selection asks for: the columns it reads and the loader variant its resolver will use. */
interface Joined {
  relation: ToOne;
  props: readonly string[] | null;
  into: DataLoader<string, object | null>;
}

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
  joins: readonly Joined[] = [],
) {
  let statement: Statement<T> | undefined; // on first use: most loaders of a request never run
  return async (keys: readonly string[]): Promise<T[]> => {
    statement ??= statementFor(em, entity, key, orderBy, props, joins);
    // One array parameter (the driver would expand a JS array into a list); ids are UUIDs, and a
    // malformed one could not match a row anyway.
    const ids = `{${keys.filter(isUuid).join(',')}}`;
    const rows = await executePrepared<Row>(em, statement.sql, [org, ids]);
    return statement.toSnapshots(rows, joins);
  };
}

interface Statement<T> {
  sql: string;
  toSnapshots: (rows: Row[], joins: readonly Joined[]) => T[];
}

/**
 * SQL and row mapping per (entity, key, order, properties read, relations joined): derived from
 * metadata once per process, not per request. `props` null reads every column; otherwise those, the
 * id and the key. A joined relation's columns come back as `j<i>.<property>` and leave the row as a
 * snapshot of the related entity, primed into its loader.
 */
const statements = new Map<string, Statement<unknown>>();
function statementFor<T extends object>(
  em: EntityManager,
  entity: Ctor<T>,
  key: string,
  orderBy: Record<string, 'asc' | 'desc'>,
  props: readonly string[] | null,
  joins: readonly Joined[],
): Statement<T> {
  const id = `${entity.name}:${key}:${JSON.stringify(orderBy)}:${variantKey(props, joins)}`;
  let st = statements.get(id);
  if (!st) {
    const metadata = em.getMetadata();
    const meta = metadata.find(entity)!;
    const column = (prop: string) => `t."${columnsOf(meta).find((c) => c.name === prop)!.column}"`;
    const related = joins.map((j, i) => ({ alias: `j${i}`, meta: metadata.find(j.relation.entity)!, join: j }));
    const selected = [
      selectList(meta, 't', props && [...props, 'id', key]),
      ...related.map((r) => selectList(r.meta, r.alias, r.join.props && [...r.join.props, 'id'], `${r.alias}.`)),
    ];
    const from = related.map(
      (r) =>
        ` left join "${r.meta.tableName}" ${r.alias} on ${r.alias}."organization_id" = t."organization_id"` +
        ` and ${r.alias}."id" = ${column(r.join.relation.key)}`,
    );
    const own = snapshotMapper<T>(meta, em.getPlatform());
    const theirs = related.map((r) => snapshotMapper<object>(r.meta, em.getPlatform()));
    st = {
      sql:
        `select ${selected.join(', ')} from "${meta.tableName}" t${from.join('')}` +
        ` where t."organization_id" = ? and ${column(key)} = any(?::uuid[])` +
        ` order by ${Object.entries(orderBy)
          .map(([k, dir]) => `${column(k)} ${dir}`)
          .join(', ')}`,
      toSnapshots: (rows, current) => {
        related.forEach((r, i) => prime(rows, r.alias, current[i]!, theirs[i]!));
        return own(rows);
      },
    };
    statements.set(id, st);
  }
  return st as Statement<T>;
}

/**
 * Moves a joined relation's columns out of each row into a snapshot of its own and primes the
 * relation's loader with it (with null where the key names no row this organization can see, as
 * the loader itself would answer).
 */
function prime(rows: Row[], alias: string, join: Joined, toSnapshots: (rows: Row[]) => object[]): void {
  const prefix = `${alias}.`;
  for (const row of rows) {
    const related: Row = {};
    for (const k of Object.keys(row)) {
      if (!k.startsWith(prefix)) continue;
      related[k.slice(prefix.length)] = row[k];
      delete row[k];
    }
    const id = row[join.relation.key] as string | null | undefined;
    if (id == null) continue;
    join.into.prime(id, related.id == null ? null : toSnapshots([related])[0]!);
  }
}

/** One row by id; missing ids (other organizations included) resolve to null. */
function byId<T extends { id: string }>(em: EntityManager, org: string, entity: Ctor<T>, toOne: readonly ToOne[] = []) {
  return selectable(em, entity, (props, joins) => byIdReading(em, org, entity, props, joins), toOne);
}

function byIdReading<T extends { id: string }>(
  em: EntityManager,
  org: string,
  entity: Ctor<T>,
  props: readonly string[] | null,
  joins: readonly Joined[],
): DataLoader<string, T | null> {
  const read = reader(em, org, entity, 'id', { id: 'asc' }, props, joins);
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
 * (see ./selection.ts), plus the rows of the to-one relations it selects (`toOne`), one per column
 * set, so calls from one document position still batch.
 */
export type Selectable<L> = L & { selecting(info: SelectionInfo, path?: readonly string[]): L };
type SelectionInfo = Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>;

function selectable<L extends object>(
  em: EntityManager,
  entity: Ctor<object>,
  make: (props: readonly string[] | null, joins: readonly Joined[]) => L,
  toOne: readonly ToOne[] = [],
): Selectable<L> {
  const whole = make(null, []) as Selectable<L>;
  const variants = new Map<string, L>();
  // Sibling objects share their fields' nodes array (graphql-js and graphql-jit both), so the
  // loader for a document position is found without looking at the selection again.
  const byNodes = new WeakMap<SelectionInfo['fieldNodes'], L>();
  whole.selecting = (info, path) => {
    const known = path ? undefined : byNodes.get(info.fieldNodes);
    if (known) return known;
    const props = selectedProps(info, entity, persistedProps(em, entity), path);
    const joins = joinsOf(em, info, path ?? [], props, toOne);
    let loader = whole as L;
    if (props || joins.length) {
      const k = variantKey(props, joins);
      loader = variants.get(k) ?? make(props, joins);
      variants.set(k, loader);
    }
    if (!path) byNodes.set(info.fieldNodes, loader);
    return loader;
  };
  return whole;
}

/** What a loader variant reads: its columns (`*`: all) and each joined relation's. */
function variantKey(props: readonly string[] | null, joins: readonly Joined[]): string {
  const list = (p: readonly string[] | null) => p?.join(',') ?? '*';
  return `${list(props)}|${joins.map((j) => `${j.relation.field}(${list(j.props)})`).join(',')}`;
}

/**
 * The to-one relations the selection at `path` asks for, each under one response key and without
 * arguments or directives (so its resolver's own selection is exactly this one), whose key the
 * row reads.
 */
function joinsOf(
  em: EntityManager,
  info: SelectionInfo,
  path: readonly string[],
  props: readonly string[] | null,
  toOne: readonly ToOne[],
): Joined[] {
  return toOne
    .filter((r) => (!props || props.includes(r.key)) && selectsOnce(info, path, r.field))
    .map((relation) => {
      const at = [...path, relation.field];
      return {
        relation,
        props: selectedProps(info, relation.entity, persistedProps(em, relation.entity), at),
        into: relation.target.selecting(info, at),
      };
    });
}

/**
 * Per-request DataLoaders for field resolvers. They run in the request's (or the WebSocket
 * operation's) tenant scope, entered by the platform, and filter by the organization explicitly too.
 * `em` only lends its connection and metadata (no unit of work is used): the ORM's root one will do.
 */
export function createLoaders(em: EntityManager, org: string) {
  const property = byId(em, org, Property);
  const lead = byId(em, org, Lead, [{ field: 'property', key: 'propertyId', entity: Property, target: property }]);
  return {
    property,
    lead,
    deal: byId(em, org, Deal, [
      { field: 'lead', key: 'leadId', entity: Lead, target: lead },
      { field: 'property', key: 'propertyId', entity: Property, target: property },
    ]),
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
