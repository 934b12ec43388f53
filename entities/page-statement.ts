import type { EntityMetadata, FilterQuery } from '@mikro-orm/core';
import type { ConnectionType, SqlEntityManager as EntityManager } from '@mikro-orm/postgresql';

/**
 * List pages without a QueryBuilder per request. A page's filter has a shape (its operators, keys,
 * which values are null, array lengths and value types) and values. The SQL of a shape is
 * MikroORM's own, derived once per process with a count QueryBuilder; later pages of that shape
 * only bind their values. A shape is compiled only when MikroORM's parameters are exactly the
 * filter's values in the order this walk reads them, so a value never lands in another's place;
 * any other shape (an operator MikroORM rewrites, a relation, a non-plain value) keeps the
 * QueryBuilder. See docs/architecture.md, "Performance".
 */
export interface PageQuery {
  /** The scoped filter: the caller's conditions and the organization. */
  where: FilterQuery<object>;
  /** The sort property, and its column. */
  sortProp: string;
  sortColumn: string;
  direction: 'asc' | 'desc';
  /** Properties to read, or null for every column. */
  props: readonly string[] | null;
  counted: boolean;
  /** The decoded `after` cursor: the sort value (null for a row without one) and the id. */
  after?: [unknown, string];
  limit: number;
}

export const TOTAL = '__total';

/** The filter's shape and its values in walk order; null when it holds a value this does not take apart. */
function shapeOf(where: unknown): { key: string; values: unknown[] } | null {
  const values: unknown[] = [];
  const parts: string[] = [];
  const walk = (v: unknown): boolean => {
    if (v === null) return (parts.push('N'), true);
    if (v instanceof Date) return (parts.push('D'), values.push(v), true);
    const type = typeof v;
    if (type === 'string' || type === 'number' || type === 'boolean')
      return (parts.push(type[0]!), values.push(v), true);
    if (Array.isArray(v)) {
      parts.push('[');
      if (!v.every(walk)) return false;
      return (parts.push(']'), true);
    }
    if (type !== 'object' || ![Object.prototype, null].includes(Object.getPrototypeOf(v))) return false;
    parts.push('{');
    for (const [k, child] of Object.entries(v as object)) {
      parts.push(JSON.stringify(k), ':');
      if (!walk(child)) return false;
    }
    return (parts.push('}'), true);
  };
  return walk(where) ? { key: parts.join(''), values } : null;
}

/** Equal as bound parameters: the same primitive, or Dates of the same instant. */
function sameParam(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}

/** The WHERE text (with `?` in order of the shape's values) per entity and shape; null: not compilable. */
const conditions = new Map<string, string | null>();
const MAX_SHAPES = 1_000;

function conditionFor(
  em: EntityManager,
  meta: EntityMetadata,
  where: FilterQuery<object>,
  shape: { key: string; values: unknown[] },
): string | null {
  const id = `${meta.className}|${shape.key}`;
  let sql = conditions.get(id);
  if (sql !== undefined) return sql;
  const query = em
    .createQueryBuilder(meta.class, 'e')
    .count()
    .where(where as never)
    .toQuery();
  const prefix = `select count(*) as "count" from "${meta.tableName}" as "e" where `;
  const exact =
    query.sql.startsWith(prefix) &&
    query.params.length === shape.values.length &&
    query.params.every((p, i) => sameParam(p, shape.values[i]));
  sql = exact ? query.sql.slice(prefix.length) : null;
  if (conditions.size >= MAX_SHAPES) conditions.delete(conditions.keys().next().value!);
  conditions.set(id, sql);
  return sql;
}

/**
 * `"e"."column"` per property (every column for null); null when a property is not one column.
 * Not snapshot.ts's `selectList`: the rows go through MikroORM's result mapper, which keys on column names.
 */
function columnList(meta: EntityMetadata, props: readonly string[] | null): string | null {
  if (!props) return '"e".*';
  const cols: string[] = [];
  for (const name of props) {
    const fields = meta.properties[name as keyof typeof meta.properties]?.fieldNames;
    if (fields?.length !== 1) return null;
    cols.push(`"e"."${fields[0]}"`);
  }
  return cols.join(', ');
}

/** The rows after `q.after` in `(sort column NULLS LAST, id)` order. */
function afterCursor(q: PageQuery): { sql: string; params: unknown[] } {
  const [value, id] = q.after!;
  const sort = `"e"."${q.sortColumn}"`;
  const cmp = q.direction === 'asc' ? '>' : '<';
  if (value === null) return { sql: `${sort} is null and "e"."id" > ?`, params: [id] };
  return { sql: `${sort} ${cmp} ? or (${sort} = ? and "e"."id" > ?) or ${sort} is null`, params: [value, value, id] };
}

/**
 * Reads a page (rows mapped to property names by MikroORM's own result mapper, the total in
 * TOTAL when counted), or returns null when the filter's shape is not compiled: the caller then
 * builds the page with a QueryBuilder.
 */
export async function readCompiledPage(
  em: EntityManager,
  meta: EntityMetadata,
  q: PageQuery,
  connectionType: ConnectionType,
): Promise<Record<string, unknown>[] | null> {
  if (em.getTransactionSessionContext()) return null;
  const shape = shapeOf(q.where);
  const where = shape && conditionFor(em, meta, q.where, shape);
  const columns = columnList(meta, q.props);
  if (!shape || where == null || !columns) return null;
  const sort = `"e"."${q.sortColumn}"`;
  const params: unknown[] = q.counted ? [...shape.values, ...shape.values] : [...shape.values];
  let sql = `select ${columns}`;
  if (q.counted) sql += `, (select count(*) from "${meta.tableName}" as "e" where ${where}) as "${TOTAL}"`;
  sql += ` from "${meta.tableName}" as "e" where ${where}`;
  if (q.after) {
    const after = afterCursor(q);
    sql += ` and (${after.sql})`;
    params.push(...after.params);
  }
  sql += ` order by ${sort} ${q.direction} nulls last, "e"."id" asc limit ?`;
  params.push(q.limit);
  const rows = await em
    .getConnection(connectionType)
    .execute<Record<string, unknown>[]>(sql, params, 'all', em.getTransactionContext());
  const driver = em.getDriver();
  return rows.map((row) => driver.mapResult(row, meta) as Record<string, unknown>);
}

/** The same page as readCompiledPage, built with a QueryBuilder: for the filter shapes it does not compile. */
export function readPageWithQueryBuilder(
  em: EntityManager,
  meta: EntityMetadata,
  q: PageQuery,
  connectionType: ConnectionType,
): Promise<Record<string, unknown>[]> {
  const qb = em
    .createQueryBuilder(meta.class, 'e', connectionType)
    .select((q.props ?? '*') as never)
    .where(q.where as never);
  if (q.after) {
    const after = afterCursor(q);
    qb.andWhere(`(${after.sql})`, after.params);
  }
  qb.orderBy({ [q.sortProp]: `${q.direction} nulls last`, id: 'asc' } as never).limit(q.limit);
  if (q.counted) {
    const count = em
      .createQueryBuilder(meta.class, 'c', connectionType)
      .count()
      .where(q.where as never);
    qb.addSelect(count.as(TOTAL) as never);
  }
  return qb.execute<Record<string, unknown>[]>('all', true); // mapped to property names
}
