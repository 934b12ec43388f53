/**
 * Exact medians over two parts of a cohort of leads: those created before today, whose answer is
 * cached, and today's, read each time (AnalyticsService.cohort). Counts add; a median needs the
 * values around it, so the cached part keeps, per median, how many values it has and the sorted
 * values within MEDIAN_WINDOW places of its own median. Today's values (all of them) can move the
 * median of the union by at most half their number of places; while they are fewer than the
 * window, the union's median is among the kept values and is computed exactly as PostgreSQL's
 * percentile_cont(0.5) would. When it is not (a large import today), the caller computes the whole.
 */

/** How many sorted values on each side of a cached part's median are kept. */
export const MEDIAN_WINDOW = 1_000;
/** A window wider than any part: every value. */
export const ALL_VALUES = 1_000_000_000;

/** Sorted values of one group: `n` in all, of which `values` from index `lo` on. */
export interface Sorted {
  n: number;
  lo: number;
  values: number[];
}

/**
 * SQL for one distribution `name` of `expr` over the rows where `where` holds: the aggregate
 * columns of the grouped query (`inner`), and the columns of a query over it that keep `window`
 * values on each side of the median (`outer`).
 */
export function sortedSql(name: string, expr: string, where: string) {
  const n = `n_${name}`;
  const lo = (window: number) => `greatest(0, (${n} - 1) / 2 - ${Math.trunc(window)})`;
  return {
    inner: `count(*) filter (where ${where})::int as ${n},
            array_agg((${expr})::float8 order by (${expr})::float8) filter (where ${where}) as a_${name}`,
    outer: (window: number) =>
      `${n}, ${lo(window)} as lo_${name},
       a_${name}[${lo(window)} + 1 : (${n} - 1) / 2 + ${Math.trunc(window)} + 1] as w_${name}`,
  };
}

/** The distribution `name` of a row of a query built with sortedSql. */
export function sortedOf(row: Record<string, unknown>, name: string): Sorted {
  const values = (row[`w_${name}`] as (number | string)[] | null) ?? [];
  return { n: Number(row[`n_${name}`] ?? 0), lo: Number(row[`lo_${name}`] ?? 0), values: values.map(Number) };
}

export const NO_VALUES: Sorted = { n: 0, lo: 0, values: [] };

/**
 * percentile_cont(0.5) of the union of `kept` (possibly a window) and `all` (every value of its
 * part): null when both are empty, undefined when the window does not hold the answer.
 */
export function unionMedian(kept: Sorted, all: Sorted): number | null | undefined {
  const n = kept.n + all.n;
  if (n === 0) return null;
  const merged = mergeSorted(kept.values, all.values);
  const first = kept.values[0];
  const last = kept.values.at(-1);
  const keptToEnd = kept.lo + kept.values.length === kept.n;
  // The union's k-th value is merged[k − lo] as long as that value lies within the kept window:
  // every kept value below the window is ≤ it and every one above is ≥ it.
  const at = (k: number): number | undefined => {
    const v = merged[k - kept.lo];
    if (v === undefined) return undefined;
    if (kept.lo > 0 && v < first!) return undefined;
    if (!keptToEnd && v > last!) return undefined;
    return v;
  };
  const pos = (n - 1) / 2;
  const k = Math.floor(pos);
  const a = at(k);
  const b = pos === k ? a : at(k + 1);
  if (a === undefined || b === undefined) return undefined;
  return pos === k ? a : a + (pos - k) * (b - a); // PostgreSQL's float8 interpolation
}

function mergeSorted(a: number[], b: number[]): number[] {
  if (!b.length) return a;
  if (!a.length) return b;
  const out = new Array<number>(a.length + b.length);
  let i = 0;
  let j = 0;
  let o = 0;
  while (i < a.length && j < b.length) out[o++] = a[i]! <= b[j]! ? a[i++]! : b[j++]!;
  while (i < a.length) out[o++] = a[i++]!;
  while (j < b.length) out[o++] = b[j++]!;
  return out;
}

/** About how many bytes a cached part holds in memory (its numbers, strings and containers). */
export function sizeOfPart(value: unknown): number {
  if (typeof value === 'number') return 8;
  if (typeof value === 'string') return 16 + 2 * value.length;
  if (Array.isArray(value)) return value.reduce((sum: number, x) => sum + sizeOfPart(x), 16);
  if (value && typeof value === 'object')
    return Object.values(value).reduce((sum: number, x) => sum + sizeOfPart(x), 32);
  return 8;
}

/**
 * Two parts' groups merged by key (`join` of a group's two sides, either possibly missing); undefined
 * as soon as one group cannot be merged exactly.
 */
export function mergeByKey<G, K, R>(
  past: G[],
  today: G[],
  keyOf: (g: G) => K,
  join: (key: K, past: G | undefined, today: G | undefined) => R | undefined,
): R[] | undefined {
  const byKey = new Map<K, [G | undefined, G | undefined]>();
  for (const g of past) byKey.set(keyOf(g), [g, undefined]);
  for (const g of today) byKey.set(keyOf(g), [byKey.get(keyOf(g))?.[0], g]);
  const out: R[] = [];
  for (const [key, [a, b]] of byKey) {
    const merged = join(key, a, b);
    if (merged === undefined) return undefined;
    out.push(merged);
  }
  return out;
}
