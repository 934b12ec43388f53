import { createHash } from 'node:crypto';
import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { createQueryId, RawNode, type CompiledQuery, type Kysely } from 'kysely';

/**
 * Named prepared statements for the hand-written statements on the hottest paths (a deal with its
 * lead and property, the pipeline totals, moveDeal, createLead, logActivity, the loaders).
 *
 * The ORM sends every statement as text with its values written in, so Postgres parses and plans it
 * on every call; with row-level security on three joined tables planning is most of the statement's
 * cost (0.3–0.4 ms of Postgres CPU for `deal(id)` on this machine, against 0.05 ms to run it).
 * Here the statement is sent once per connection under a name derived from its text, then only
 * bound and executed, and the connection option `plan_cache_mode=force_generic_plan` (src/platform/orm.ts)
 * lets Postgres keep one plan for it instead of planning a custom one per call: these are
 * lookups by key and per-organization aggregates, whose plan does not depend on the values.
 *
 * Same semantics as `em.execute`: the EntityManager's transaction when it is in one, the tenant
 * hook on the reserved connection, the ORM's `onQuery` hook (statement counts), its exception
 * classes. SQL is written with `?` placeholders as for `em.execute`; values are bound, not
 * inlined (a JS array is bound as one Postgres array; dates as UTC instants, as the ORM writes
 * them). At most MAX_NAMED distinct statements are named per process (each costs a plan in every
 * pooled connection); past that they are sent unnamed, still bound.
 */
export async function executePrepared<T extends object = Record<string, unknown>>(
  em: SqlEntityManager,
  sql: string,
  params: readonly unknown[],
): Promise<T[]> {
  const text = (em.config.get('onQuery') as (sql: string, params: readonly unknown[]) => string)(sql, params);
  const st = statementFor(text);
  const query: CompiledQuery = {
    // pg takes a query config in place of the text: `name` makes it a prepared statement of the connection.
    sql: (st.name ? { name: st.name, text: st.text } : { text: st.text }) as unknown as string,
    query: RawNode.createWithSql(st.text),
    parameters: params.map(bindable),
    queryId: createQueryId(),
  };
  const client = (em.getTransactionContext() ?? em.getConnection().getClient()) as Kysely<unknown>;
  try {
    return (await client.executeQuery<T>(query)).rows as T[];
  } catch (err) {
    throw em.getDriver().convertException(err as Error);
  }
}

const MAX_NAMED = 500;
const statements = new Map<string, { name: string | null; text: string }>();

function statementFor(sql: string): { name: string | null; text: string } {
  let st = statements.get(sql);
  if (!st) {
    const text = numberPlaceholders(sql);
    const named = statements.size < MAX_NAMED;
    st = { name: named ? `reos_${createHash('sha1').update(text).digest('hex').slice(0, 16)}` : null, text };
    statements.set(sql, st);
  }
  return st;
}

/** `?` → `$1`, `$2`, … outside quoted strings, quoted identifiers and comments (no `??` identifiers here). */
export function numberPlaceholders(sql: string): string {
  let out = '';
  let n = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      const end = closing(sql, i, c);
      out += sql.slice(i, end + 1);
      i = end;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '?' && sql[i + 1] === '?') {
      throw new Error('executePrepared: `??` identifier placeholders are not supported');
    } else out += c === '?' ? `$${++n}` : c;
  }
  return out;
}

/** Index of the quote that closes the one at `start` (a doubled quote is an escaped one). */
function closing(sql: string, start: number, quote: string): number {
  for (let i = start + 1; i < sql.length; i++) {
    if (sql[i] !== quote) continue;
    if (sql[i + 1] === quote) i++;
    else return i;
  }
  return sql.length - 1;
}

/** Dates as ISO instants (pg would write local time with an offset); everything else as pg binds it. */
function bindable(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}
