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
 * `target` gives the related entity's loader, which is primed with the rows so its field resolver
 * finds them without a statement of its own (`deal { lead { … } property { … } }` is one statement).
 */
interface ToOne {
  field: string;
  key: string;
  entity: Ctor<{ id: string }>;
  target: () => Selectable<DataLoader<string, object | null>>;
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
function byId<T extends { id: string }>(
  em: EntityManager,
  org: string,
  entity: Ctor<T>,
  toOne: readonly ToOne[] = [],
): ById<T> {
  return new SelectableLoader(em, entity, (props, joins) => byIdBatch(em, org, entity, props, joins), toOne);
}

function byIdBatch<T extends { id: string }>(
  em: EntityManager,
  org: string,
  entity: Ctor<T>,
  props: readonly string[] | null,
  joins: readonly Joined[],
): DataLoader.BatchLoadFn<string, T | null> {
  const read = reader(em, org, entity, 'id', { id: 'asc' }, props, joins);
  return async (ids) => {
    const rows = await read(ids);
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  };
}

/** All children of each parent id, in the given order, in one statement per batch. */
function byParent<T extends object>(
  em: EntityManager,
  org: string,
  entity: Ctor<T>,
  key: keyof T & string,
  orderBy: Record<string, 'asc' | 'desc'>,
): ByParent<T> {
  return new SelectableLoader(em, entity, (props) => byParentBatch(em, org, entity, key, orderBy, props));
}

function byParentBatch<T extends object>(
  em: EntityManager,
  org: string,
  entity: Ctor<T>,
  key: keyof T & string,
  orderBy: Record<string, 'asc' | 'desc'>,
  props: readonly string[] | null,
): DataLoader.BatchLoadFn<string, T[]> {
  const read = reader(em, org, entity, key, orderBy, props);
  return async (parentIds) => {
    const rows = await read(parentIds);
    const groups = new Map<string, T[]>();
    for (const row of rows) {
      const k = row[key] as unknown as string;
      let list = groups.get(k);
      if (!list) groups.set(k, (list = []));
      list.push(row);
    }
    return parentIds.map((id) => groups.get(id) ?? []);
  };
}

/**
 * A loader that reads whole rows, and `selecting(info, path?)`: a sibling loader of the same
 * request that reads only the columns the GraphQL selection at `path` below the current field needs
 * (see ./selection.ts), plus the rows of the to-one relations it selects (`toOne`), one per column
 * set, so calls from one document position still batch.
 */
export type Selectable<L> = L & { selecting(info: SelectionInfo, path?: readonly string[]): L };
type SelectionInfo = Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>;
type BatchFor<V> = (props: readonly string[] | null, joins: readonly Joined[]) => DataLoader.BatchLoadFn<string, V>;

/**
 * `selecting` is a method and everything it uses is set in the constructor: a function added to a
 * loader after it was made (as `selecting` once was) kept every request's objects alive until a
 * full collection, as V8 tracks such a property in the object's hidden class (docs/architecture.md,
 * "Where the garbage collector's time goes").
 */
class SelectableLoader<V> extends DataLoader<string, V> {
  readonly #variants = new Map<string, DataLoader<string, V>>();
  // Sibling objects share their fields' nodes array (graphql-js and graphql-jit both), so the
  // loader for a document position is found without looking at the selection again.
  readonly #byNodes = new WeakMap<SelectionInfo['fieldNodes'], DataLoader<string, V>>();

  constructor(
    private readonly em: EntityManager,
    private readonly entity: Ctor<object>,
    private readonly batchFor: BatchFor<V>,
    private readonly toOne: readonly ToOne[] = [],
  ) {
    super(batchFor(null, []));
  }

  selecting(info: SelectionInfo, path?: readonly string[]): DataLoader<string, V> {
    const known = path ? undefined : this.#byNodes.get(info.fieldNodes);
    if (known) return known;
    const props = selectedProps(info, this.entity, persistedProps(this.em, this.entity), path);
    const joins = joinsOf(this.em, info, path ?? [], props, this.toOne);
    let loader: DataLoader<string, V> = this;
    if (props || joins.length) {
      const k = variantKey(props, joins);
      loader = this.#variants.get(k) ?? new DataLoader(this.batchFor(props, joins));
      this.#variants.set(k, loader);
    }
    if (!path) this.#byNodes.set(info.fieldNodes, loader);
    return loader;
  }
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
        into: relation.target().selecting(info, at),
      };
    });
}

type ById<T> = Selectable<DataLoader<string, T | null>>;
type ByParent<T> = Selectable<DataLoader<string, T[]>>;

/**
 * Per-request DataLoaders for field resolvers. They run in the request's (or the WebSocket
 * operation's) tenant scope, entered by the platform, and filter by the organization explicitly too.
 * `em` only lends its connection and metadata (no unit of work is used): the ORM's root one will do.
 *
 * Each loader is made when a resolver first asks for it: a request uses a few of them (a deal with
 * its lead and property: three of seventeen), and making every one for every request was most of
 * what a deal allocated that outlived a young-generation collection (docs/architecture.md, "Where
 * the garbage collector's time goes").
 */
export class Loaders {
  #property?: ById<Property>;
  #lead?: ById<Lead>;
  #deal?: ById<Deal>;
  #user?: ById<User>;
  #memo?: ById<Memo>;
  #underwriting?: ById<Underwriting>;
  #activity?: ById<Activity>;
  #task?: ById<Task>;
  #inboundMessage?: ById<InboundMessage>;
  #leadsByProperty?: ByParent<Lead>;
  #dealsByProperty?: ByParent<Deal>;
  #dealsByLead?: ByParent<Deal>;
  #activitiesByLead?: ByParent<Activity>;
  #stageHistoryByDeal?: ByParent<DealStageChange>;
  #underwritingsByDeal?: ByParent<Underwriting>;
  #memosByDeal?: ByParent<Memo>;
  #shareLinksByMemo?: ByParent<ShareLink>;

  constructor(
    private readonly em: EntityManager,
    private readonly org: string,
  ) {}

  get property(): ById<Property> {
    return (this.#property ??= byId(this.em, this.org, Property));
  }
  get lead(): ById<Lead> {
    return (this.#lead ??= byId(this.em, this.org, Lead, [
      { field: 'property', key: 'propertyId', entity: Property, target: () => this.property },
    ]));
  }
  get deal(): ById<Deal> {
    return (this.#deal ??= byId(this.em, this.org, Deal, [
      { field: 'lead', key: 'leadId', entity: Lead, target: () => this.lead },
      { field: 'property', key: 'propertyId', entity: Property, target: () => this.property },
    ]));
  }
  get user(): ById<User> {
    return (this.#user ??= byId(this.em, this.org, User));
  }
  get memo(): ById<Memo> {
    return (this.#memo ??= byId(this.em, this.org, Memo));
  }
  get underwriting(): ById<Underwriting> {
    return (this.#underwriting ??= byId(this.em, this.org, Underwriting));
  }
  get activity(): ById<Activity> {
    return (this.#activity ??= byId(this.em, this.org, Activity));
  }
  get task(): ById<Task> {
    return (this.#task ??= byId(this.em, this.org, Task));
  }
  get inboundMessage(): ById<InboundMessage> {
    return (this.#inboundMessage ??= byId(this.em, this.org, InboundMessage));
  }
  get leadsByProperty(): ByParent<Lead> {
    return (this.#leadsByProperty ??= byParent(this.em, this.org, Lead, 'propertyId', NEWEST_FIRST));
  }
  get dealsByProperty(): ByParent<Deal> {
    return (this.#dealsByProperty ??= byParent(this.em, this.org, Deal, 'propertyId', NEWEST_FIRST));
  }
  get dealsByLead(): ByParent<Deal> {
    return (this.#dealsByLead ??= byParent(this.em, this.org, Deal, 'leadId', NEWEST_FIRST));
  }
  get activitiesByLead(): ByParent<Activity> {
    return (this.#activitiesByLead ??= byParent(this.em, this.org, Activity, 'leadId', {
      occurredAt: 'desc',
      id: 'asc',
    }));
  }
  get stageHistoryByDeal(): ByParent<DealStageChange> {
    return (this.#stageHistoryByDeal ??= byParent(this.em, this.org, DealStageChange, 'dealId', {
      at: 'asc',
      id: 'asc',
    }));
  }
  get underwritingsByDeal(): ByParent<Underwriting> {
    return (this.#underwritingsByDeal ??= byParent(this.em, this.org, Underwriting, 'dealId', {
      version: 'desc',
      id: 'asc',
    }));
  }
  get memosByDeal(): ByParent<Memo> {
    return (this.#memosByDeal ??= byParent(this.em, this.org, Memo, 'dealId', NEWEST_FIRST));
  }
  get shareLinksByMemo(): ByParent<ShareLink> {
    return (this.#shareLinksByMemo ??= byParent(this.em, this.org, ShareLink, 'memoId', NEWEST_FIRST));
  }
}

const NEWEST_FIRST = { createdAt: 'desc', id: 'asc' } as const;
