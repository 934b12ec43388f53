import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import type { EntityManager } from '@mikro-orm/core';
import { columnsOf } from '../../../entities/snapshot.js';

/**
 * Which of an entity's properties a GraphQL selection reads, so list pages and loaders select those
 * columns only (a page of 50 properties with leads, deals and activities reads about a quarter of
 * the values it did with every column; see docs/architecture.md, "Performance").
 *
 * A field of an entity type reads:
 * - its own column, when it is a plain `@Field` on a persisted property (no getter of the entity's
 *   own, no arguments, no field resolver);
 * - what its field resolver declares with `@Reads(...)`;
 * - every column otherwise: an undeclared field resolver or a computed field may read anything, so
 *   the answer is `null` ("all") and the row is read whole, as before.
 * `id` is always read. A selection never reads less than its fields need; at worst it reads all.
 */

type Ctor = abstract new (...args: never[]) => object;

/** Field resolver (resolver class → method) → the parent properties it reads. */
const declared = new Map<Function, Map<string, readonly string[]>>();

/**
 * Declares which properties of its parent a field resolver reads (for example `@Reads('id')` on a
 * resolver that loads the parent's children by id). Without it the parent is read whole.
 */
export function Reads(...props: string[]): MethodDecorator {
  return (target, method) => {
    const cls = target.constructor;
    let methods = declared.get(cls);
    if (!methods) declared.set(cls, (methods = new Map()));
    methods.set(String(method), props);
  };
}

/** GraphQL field name → the properties it reads (`null`: all of them), per entity class. */
const fieldTables = new WeakMap<Ctor, Map<string, readonly string[] | null>>();

function fieldTable(entity: Ctor, columns: ReadonlySet<string>): Map<string, readonly string[] | null> {
  let table = fieldTables.get(entity);
  if (table) return table;
  table = new Map();
  const chain: Function[] = [];
  for (let c: Function | null = entity; c && c !== Object; c = Object.getPrototypeOf(c) as Function | null)
    chain.push(c);
  const storage = getMetadataStorage();
  for (const f of storage.fields) {
    if (!chain.includes(f.target)) continue;
    table.set(f.schemaName, columns.has(f.name) && !f.params?.length ? [f.name] : null);
  }
  for (const r of storage.fieldResolvers) {
    const owner = r.getObjectType?.() ?? r.target;
    if (!chain.includes(owner)) continue;
    table.set(r.schemaName, declared.get(r.target)?.get(r.methodName) ?? null);
  }
  fieldTables.set(entity, table);
  return table;
}

/** The persisted single-column property names of an entity (what a selection can narrow to). */
const persisted = new WeakMap<object, ReadonlySet<string>>();
export function persistedProps(em: EntityManager, entity: Ctor): ReadonlySet<string> {
  let set = persisted.get(entity);
  if (!set) {
    const meta = em.getMetadata().find(entity)!;
    // A property read through a getter of the entity's own may compute from other columns.
    const plain = columnsOf(meta).filter((c) => {
      const prop = meta.properties[c.name as keyof typeof meta.properties];
      return !prop?.getter && !prop?.getterName;
    });
    persisted.set(entity, (set = new Set(plain.map((c) => c.name))));
  }
  return set;
}

interface Cached {
  nodes: readonly FieldNode[];
  path: string;
  props: readonly string[] | null;
}
const cache = new WeakMap<FieldNode, Cached[]>();

/**
 * The properties of `entity` that the selection of the current field reads, at `path` below it
 * (`['edges', 'node']` for a connection), or `null` when it needs them all. `columns` are the
 * entity's persisted single-column properties. Computed once per document position.
 */
export function selectedProps(
  info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>,
  entity: Ctor,
  columns: ReadonlySet<string>,
  path: readonly string[] = [],
): readonly string[] | null {
  const first = info.fieldNodes[0];
  if (!first) return null;
  const key = path.join('.');
  let entries = cache.get(first);
  const hit = entries?.find((e) => e.path === key && sameNodes(e.nodes, info.fieldNodes));
  if (hit) return hit.props;
  const props = compute(info, entity, columns, path);
  if (!entries) cache.set(first, (entries = []));
  entries.push({ nodes: [...info.fieldNodes], path: key, props });
  return props;
}

function sameNodes(a: readonly FieldNode[], b: readonly FieldNode[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

function compute(
  info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>,
  entity: Ctor,
  columns: ReadonlySet<string>,
  path: readonly string[],
): readonly string[] | null {
  let sets = info.fieldNodes.map((n) => n.selectionSet).filter((s): s is SelectionSetNode => Boolean(s));
  for (const step of path) {
    const fields = fieldsIn(sets, info.fragments);
    if (!fields) return null;
    sets = fields.filter((f) => f.name.value === step && f.selectionSet).map((f) => f.selectionSet!);
  }
  const table = fieldTable(entity, columns);
  const props = new Set(['id']);
  const fields = fieldsIn(sets, info.fragments);
  if (!fields) return null;
  for (const field of fields) {
    const name = field.name.value;
    if (name === '__typename') continue;
    const reads = table.get(name);
    if (!reads) return null;
    for (const p of reads) props.add(p);
  }
  return [...props].sort();
}

/**
 * The fields of selection sets, through inline fragments and fragment spreads of any type (a
 * superset is safe); `null` if a spread names a fragment the document lacks.
 */
function fieldsIn(sets: readonly SelectionSetNode[], fragments: GraphQLResolveInfo['fragments']): FieldNode[] | null {
  const out: FieldNode[] = [];
  const seen = new Set<string>();
  let complete = true;
  const walk = (set: SelectionSetNode) => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) out.push(s);
      else if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet);
      else if (!seen.has(s.name.value)) {
        seen.add(s.name.value);
        const fragment = fragments[s.name.value];
        if (fragment) walk(fragment.selectionSet);
        else complete = false;
      }
    }
  };
  sets.forEach(walk);
  return complete ? out : null;
}

/** Whether the current field's selection names `field` directly (through fragments too); true when unsure. */
export function selectsField(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>, field: string): boolean {
  const sets = info.fieldNodes.map((n) => n.selectionSet).filter((s): s is SelectionSetNode => Boolean(s));
  const fields = fieldsIn(sets, info.fragments);
  return !fields || fields.some((f) => f.name.value === field);
}

/**
 * Whether the selection at `path` below the current field names `field` under one response key
 * only (through fragments too), so the selection that a field resolver of `field` sees is the
 * whole of what this selection names there. False when unsure.
 */
export function selectsOnce(
  info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>,
  path: readonly string[],
  field: string,
): boolean {
  let sets = info.fieldNodes.map((n) => n.selectionSet).filter((s): s is SelectionSetNode => Boolean(s));
  for (const step of path) {
    const fields = fieldsIn(sets, info.fragments);
    if (!fields) return false;
    sets = fields.filter((f) => f.name.value === step && f.selectionSet).map((f) => f.selectionSet!);
  }
  const named = fieldsIn(sets, info.fragments)?.filter((f) => f.name.value === field);
  if (!named?.length) return false;
  const key = (f: FieldNode) => f.alias?.value ?? f.name.value;
  return named.every((f) => key(f) === key(named[0]!) && !f.arguments?.length && !f.directives?.length);
}
