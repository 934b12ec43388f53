import { describe, expect, it } from 'vitest';
import { localMinutes, nextWindowOpening, timeZoneForState } from '../../src/domains/outreach/send-window.js';

describe('sending windows', () => {
  it('maps states to time zones, defaulting to Central', () => {
    expect(timeZoneForState('ca')).toBe('America/Los_Angeles');
    expect(timeZoneForState('AZ')).toBe('America/Phoenix');
    expect(timeZoneForState(null)).toBe('America/Chicago');
    expect(timeZoneForState('ZZ')).toBe('America/Chicago');
  });

  it('knows local time, including daylight saving', () => {
    expect(localMinutes(new Date('2026-07-01T16:30:00Z'), 'America/New_York')).toBe(12 * 60 + 30); // EDT
    expect(localMinutes(new Date('2026-12-01T16:30:00Z'), 'America/New_York')).toBe(11 * 60 + 30); // EST
    expect(localMinutes(new Date('2026-07-01T16:30:00Z'), 'America/Phoenix')).toBe(9 * 60 + 30); // no DST
  });

  it('lets sends inside the window through and defers the rest to the next opening', () => {
    const noonNy = new Date('2026-07-01T16:00:00Z');
    expect(nextWindowOpening(noonNy, 'America/New_York', 9, 20)).toBeNull();
    // 9:00 in Los Angeles is 16:00Z in July: 7:00 there at 14:00Z waits two hours.
    expect(nextWindowOpening(new Date('2026-07-01T14:00:00Z'), 'America/Los_Angeles', 9, 20)).toEqual(
      new Date('2026-07-01T16:00:00Z'),
    );
    // 21:15 in New York (01:15Z) waits until 9:00 the next morning (13:00Z).
    expect(nextWindowOpening(new Date('2026-07-02T01:15:00Z'), 'America/New_York', 9, 20)).toEqual(
      new Date('2026-07-02T13:00:00Z'),
    );
    // The end hour is exclusive; a window can wrap midnight.
    expect(nextWindowOpening(new Date('2026-07-02T00:00:00Z'), 'America/New_York', 9, 20)).toEqual(
      new Date('2026-07-02T13:00:00Z'),
    );
    expect(nextWindowOpening(new Date('2026-07-02T06:30:00Z'), 'America/New_York', 18, 2)).toEqual(
      new Date('2026-07-02T22:00:00Z'),
    ); // 2:30
    expect(nextWindowOpening(new Date('2026-07-02T05:30:00Z'), 'America/New_York', 18, 2)).toBeNull(); // 1:30
  });
});
