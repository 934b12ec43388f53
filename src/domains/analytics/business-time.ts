import { addDays, localDay, startOfDay } from '../tasks/calendar.js';

/** The organization's business hours for response times: Monday to Friday, 9:00 to 17:00 local time. */
export const BUSINESS_HOURS = { startHour: 9, endHour: 17 } as const;

/**
 * The definition the database's `business_minutes()` implements (analytics_rollups migration; the
 * analytics equivalence test holds them equal, tests/unit/analytics-time.test.ts pins this one down).
 * Minutes between two instants that fall inside business hours in `timeZone` (weekends and nights
 * do not count). A lead created Friday 16:50 and called Monday 9:05 waited 15 minutes.
 */
export function businessMinutesBetween(from: Date, to: Date, timeZone: string): number {
  if (to <= from) return 0;
  let total = 0;
  let day = localDay(from, timeZone);
  const last = localDay(to, timeZone);
  for (let guard = 0; day <= last && guard < 4_000; guard++, day = addDays(day, 1)) {
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const open = startOfDay(day, timeZone, BUSINESS_HOURS.startHour).getTime();
    const close = startOfDay(day, timeZone, BUSINESS_HOURS.endHour).getTime();
    const a = Math.max(open, from.getTime());
    const b = Math.min(close, to.getTime());
    if (b > a) total += (b - a) / 60_000;
  }
  return total;
}
