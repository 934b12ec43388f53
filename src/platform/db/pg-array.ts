/**
 * A PostgreSQL array literal (`{"a","b"}`) for one `?` parameter: `em.execute` spreads a JS array
 * into a list of parameters, so arrays are bound as their text form and cast in SQL (`?::uuid[]`).
 * Elements are quoted and escaped, so any text is safe; null is SQL NULL.
 */
export function pgArray(values: readonly (string | number | null)[]): string {
  const quote = (x: string | number) => `"${String(x).replace(/["\\]/g, (c) => `\\${c}`)}"`;
  return `{${values.map((x) => (x === null ? 'NULL' : quote(x))).join(',')}}`;
}
