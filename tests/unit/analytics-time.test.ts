import { describe, expect, it } from 'vitest';
import { businessMinutesBetween } from '../../src/domains/analytics/business-time.js';
import { bucketOf, bucketsBetween, medianOf, percentileOf, resolveRange } from '../../src/domains/analytics/range.js';

const NY = 'America/New_York';

describe('analytics time', () => {
  it('counts business minutes only on weekdays 9–17 local, across a weekend and a DST change', () => {
    // Friday 2026-03-06 16:50 EST → Monday 2026-03-09 09:05 EDT (clocks moved on Sunday the 8th).
    expect(businessMinutesBetween(new Date('2026-03-06T21:50:00Z'), new Date('2026-03-09T13:05:00Z'), NY)).toBe(15);
    expect(businessMinutesBetween(new Date('2026-03-09T12:00:00Z'), new Date('2026-03-09T22:00:00Z'), NY)).toBe(480);
    expect(businessMinutesBetween(new Date('2026-03-09T14:00:00Z'), new Date('2026-03-09T13:00:00Z'), NY)).toBe(0);
  });

  it('resolves presets and explicit ranges to local days, with day boundaries at local midnight', () => {
    const now = new Date('2026-11-03T03:30:00Z'); // still 2 November in New York
    expect(resolveRange({ preset: 'LAST_7_DAYS' }, NY, '2020-01-01', now)).toMatchObject({
      from: '2026-10-27',
      to: '2026-11-02',
      end: new Date('2026-11-03T05:00:00Z'),
    });
    expect(resolveRange({ preset: 'LAST_QUARTER' }, NY, '2020-01-01', now)).toMatchObject({
      from: '2026-07-01',
      to: '2026-09-30',
    });
    const jan = new Date('2027-01-15T12:00:00Z');
    expect(resolveRange({ preset: 'LAST_QUARTER' }, NY, '2020-01-01', jan)).toMatchObject({
      from: '2026-10-01',
      to: '2026-12-31',
    });
    // The range over the autumn DST change: 25 hours in 1 November, both ends at local midnight.
    const r = resolveRange({ from: '2026-11-01', to: '2026-11-01' }, NY, '2020-01-01', now);
    expect([r.start.toISOString(), r.end.toISOString()]).toEqual([
      '2026-11-01T04:00:00.000Z',
      '2026-11-02T05:00:00.000Z',
    ]);
  });

  it('buckets weeks from Monday and zero-fills every bucket; medians and percentiles are exact', () => {
    expect(bucketOf('2026-11-01', 'WEEK')).toBe('2026-10-26'); // a Sunday belongs to the week before
    expect(bucketOf('2026-11-02', 'WEEK')).toBe('2026-11-02');
    expect(bucketOf('2026-11-30', 'QUARTER')).toBe('2026-10-01');
    expect(bucketsBetween('2026-11-25', '2027-02-02', 'MONTH')).toEqual([
      '2026-11-01',
      '2026-12-01',
      '2027-01-01',
      '2027-02-01',
    ]);
    expect(medianOf([1, 2, 3, 10])).toBe(2.5);
    expect(medianOf([])).toBeNull();
    expect(percentileOf([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
  });
});
