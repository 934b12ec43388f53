/**
 * Sending windows in the recipient's local time. The time zone comes from the state of the lead's
 * property (the zone most of the state's people live in); without one we use the organization's
 * default, America/Chicago, which puts a 9:00–20:00 window inside daytime in every contiguous state.
 */
const STATE_TIME_ZONES: Record<string, string> = {
  CT: 'America/New_York',
  DC: 'America/New_York',
  DE: 'America/New_York',
  FL: 'America/New_York',
  GA: 'America/New_York',
  IN: 'America/Indiana/Indianapolis',
  KY: 'America/New_York',
  MA: 'America/New_York',
  MD: 'America/New_York',
  ME: 'America/New_York',
  MI: 'America/Detroit',
  NC: 'America/New_York',
  NH: 'America/New_York',
  NJ: 'America/New_York',
  NY: 'America/New_York',
  OH: 'America/New_York',
  PA: 'America/New_York',
  RI: 'America/New_York',
  SC: 'America/New_York',
  VA: 'America/New_York',
  VT: 'America/New_York',
  WV: 'America/New_York',
  AL: 'America/Chicago',
  AR: 'America/Chicago',
  IA: 'America/Chicago',
  IL: 'America/Chicago',
  KS: 'America/Chicago',
  LA: 'America/Chicago',
  MN: 'America/Chicago',
  MO: 'America/Chicago',
  MS: 'America/Chicago',
  ND: 'America/Chicago',
  NE: 'America/Chicago',
  OK: 'America/Chicago',
  SD: 'America/Chicago',
  TN: 'America/Chicago',
  TX: 'America/Chicago',
  WI: 'America/Chicago',
  AZ: 'America/Phoenix',
  CO: 'America/Denver',
  ID: 'America/Boise',
  MT: 'America/Denver',
  NM: 'America/Denver',
  UT: 'America/Denver',
  WY: 'America/Denver',
  CA: 'America/Los_Angeles',
  NV: 'America/Los_Angeles',
  OR: 'America/Los_Angeles',
  WA: 'America/Los_Angeles',
  AK: 'America/Anchorage',
  HI: 'Pacific/Honolulu',
  PR: 'America/Puerto_Rico',
};

export const DEFAULT_TIME_ZONE = 'America/Chicago';

export function timeZoneForState(state: string | null | undefined): string {
  return (state && STATE_TIME_ZONES[state.toUpperCase()]) || DEFAULT_TIME_ZONE;
}

/** Minutes since local midnight in `timeZone` at `at`. */
const formats = new Map<string, Intl.DateTimeFormat>();

export function localMinutes(at: Date, timeZone: string): number {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
    if (formats.size < 1_000) formats.set(timeZone, format); // building one is the costly part
  }
  const parts = format.formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

/**
 * Null when `at` is inside [startHour, endHour) local time, else the moment the window next opens.
 * A window whose start is after its end wraps midnight (e.g. 18–2).
 */
export function nextWindowOpening(at: Date, timeZone: string, startHour: number, endHour: number): Date | null {
  if (startHour === 0 && endHour === 24) return null; // around the clock
  const now = localMinutes(at, timeZone);
  const start = startHour * 60;
  const end = endHour * 60;
  const inside = start < end ? now >= start && now < end : now >= start || now < end;
  if (inside) return null;
  const wait = (start - now + 1440) % 1440;
  // Whole minutes; land at the start of the minute the window opens.
  return new Date(Math.floor(at.getTime() / 60_000) * 60_000 + wait * 60_000);
}
