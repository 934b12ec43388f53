import { ValidationError } from '../../platform/errors/index.js';
import * as v from '../../platform/validate.js';
import { addDays, localDay, startOfDay } from '../tasks/calendar.js';

export type RangePreset = 'LAST_7_DAYS' | 'LAST_30_DAYS' | 'THIS_MONTH' | 'LAST_QUARTER' | 'THIS_YEAR' | 'ALL_TIME';
export type Bucket = 'DAY' | 'WEEK' | 'MONTH' | 'QUARTER';

/** A range of whole local days: `from` and `to` inclusive, and the instants that bound them. */
export interface ResolvedRange {
  from: string;
  to: string;
  timeZone: string;
  /** Start of `from`, local time. */
  start: Date;
  /** Start of the day after `to`, local time (exclusive). */
  end: Date;
}

const MAX_DAYS = 3_660;

/**
 * Turns `{from, to}` (local dates) or a preset into a range of days in the organization's time
 * zone. Presets end today; LAST_QUARTER is the previous calendar quarter; ALL_TIME starts at
 * `earliest` (the organization's first data).
 */
export function resolveRange(
  input: { from?: string | null; to?: string | null; preset?: RangePreset | null },
  timeZone: string,
  earliest: string,
  now = new Date(),
): ResolvedRange {
  const today = localDay(now, timeZone);
  let from: string;
  let to = today;
  if (input.preset && (input.from || input.to))
    throw new ValidationError('Give a preset or from/to, not both', 'range.preset');
  if (input.preset) {
    const [y, m] = today.split('-').map(Number) as [number, number];
    if (input.preset === 'LAST_7_DAYS') from = addDays(today, -6);
    else if (input.preset === 'LAST_30_DAYS') from = addDays(today, -29);
    else if (input.preset === 'THIS_MONTH') from = `${today.slice(0, 7)}-01`;
    else if (input.preset === 'THIS_YEAR') from = `${y}-01-01`;
    else if (input.preset === 'LAST_QUARTER') {
      const q = Math.floor((m - 1) / 3); // this quarter, 0-based
      const [qy, qm] = q === 0 ? [y - 1, 10] : [y, (q - 1) * 3 + 1];
      from = `${qy}-${String(qm).padStart(2, '0')}-01`;
      to = addDays(qm === 10 ? `${qy + 1}-01-01` : `${qy}-${String(qm + 3).padStart(2, '0')}-01`, -1);
    } else from = earliest < today ? earliest : today;
  } else {
    if (!input.from || !input.to) throw new ValidationError('Give range.from and range.to, or a preset', 'range.from');
    from = v.isoDate(input.from, 'range.from')!;
    to = v.isoDate(input.to, 'range.to')!;
    if (from > to) throw new ValidationError('range.from is after range.to', 'range.from');
    if ((Date.parse(to) - Date.parse(from)) / 86_400_000 > MAX_DAYS)
      throw new ValidationError('A range covers at most ten years', 'range.to');
  }
  return { from, to, timeZone, start: startOfDay(from, timeZone), end: startOfDay(addDays(to, 1), timeZone) };
}

/** The first local day of the bucket a day falls in (weeks start on Monday). */
export function bucketOf(day: string, bucket: Bucket): string {
  if (bucket === 'DAY') return day;
  if (bucket === 'MONTH') return `${day.slice(0, 7)}-01`;
  if (bucket === 'QUARTER') {
    const m = Number(day.slice(5, 7));
    return `${day.slice(0, 4)}-${String(Math.floor((m - 1) / 3) * 3 + 1).padStart(2, '0')}-01`;
  }
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(day, -((weekday + 6) % 7));
}

/** Every bucket start from the one holding `from` to the one holding `to`, in order (zero-filled series). */
export function bucketsBetween(from: string, to: string, bucket: Bucket): string[] {
  const out: string[] = [];
  let b = bucketOf(from, bucket);
  while (b <= to) {
    out.push(b);
    if (bucket === 'DAY') b = addDays(b, 1);
    else if (bucket === 'WEEK') b = addDays(b, 7);
    else {
      const [y, m] = b.split('-').map(Number) as [number, number];
      const next = m + (bucket === 'MONTH' ? 1 : 3);
      b = next > 12 ? `${y + 1}-${String(next - 12).padStart(2, '0')}-01` : `${y}-${String(next).padStart(2, '0')}-01`;
    }
  }
  return out;
}

/**
 * Percentiles, exact: the nearest-rank value (no interpolation); null when empty — the definition the
 * sections' `percentile_disc` computes in PostgreSQL (and the analytics oracle in JavaScript).
 */
export function percentileOf(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * Checks what can be checked of a range without the organization (dates, order, span, preset or
 * dates) — throws the same BAD_USER_INPUT errors resolveRange does.
 */
export function checkRangeShape(input: { from?: string | null; to?: string | null; preset?: RangePreset | null }) {
  resolveRange(input, 'UTC', '1970-01-01');
}

/** The median: the middle value, or the mean of the two middle values (`percentile_cont(0.5)`); null when empty. */
export function medianOf(sorted: number[]): number | null {
  if (!sorted.length) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
