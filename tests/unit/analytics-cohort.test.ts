import { describe, expect, it } from 'vitest';
import { AnalyticsCache } from '../../src/domains/analytics/AnalyticsCache.js';
import { ALL_VALUES, sizeOfPart, unionMedian, type Sorted } from '../../src/domains/analytics/cohort.js';

/** percentile_cont(0.5) as PostgreSQL computes it, over every value. */
function median(values: number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) / 2;
  const k = Math.floor(pos);
  return pos === k ? s[k]! : s[k]! + (pos - k) * (s[k + 1]! - s[k]!);
}

/** What the SQL of sortedSql keeps of sorted values: `window` on each side of the median. */
function kept(values: number[], window: number): Sorted {
  const s = [...values].sort((a, b) => a - b);
  const lo = Math.max(0, Math.trunc((s.length - 1) / 2) - window);
  return { n: s.length, lo, values: s.slice(lo, Math.trunc((s.length - 1) / 2) + window + 1) };
}

function random(seed: number) {
  let x = seed;
  return () => (x = (x * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
}

describe('unionMedian (analytics cohorts)', () => {
  it('equals the median of all values when it answers; it answers while today has at most a window of values', () => {
    const next = random(7);
    let answered = 0;
    for (let round = 0; round < 3_000; round++) {
      const window = 1 + Math.floor(next() * 20);
      // Small value sets with many ties, and parts of every relative size.
      const past = Array.from({ length: Math.floor(next() * 120) }, () => Math.floor(next() * 30) / 2);
      const today = Array.from({ length: Math.floor(next() * 2 * window) }, () => Math.floor(next() * 30) / 2);
      const got = unionMedian(kept(past, window), kept(today, ALL_VALUES));
      if (today.length <= window) expect(got).not.toBeUndefined();
      if (got === undefined) continue;
      answered++;
      expect(got).toBe(median([...past, ...today]));
    }
    expect(answered).toBeGreaterThan(2_000);
  });

  it('says it cannot tell when today outweighs the window, and null when nothing has a value', () => {
    const past = Array.from({ length: 101 }, (_, i) => i);
    expect(unionMedian(kept(past, 5), kept([], ALL_VALUES))).toBe(50);
    expect(unionMedian(kept(past, 5), kept([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], ALL_VALUES))).toBeUndefined();
    expect(unionMedian(kept([], 5), kept([], ALL_VALUES))).toBeNull();
    expect(unionMedian(kept([], 5), kept([3, 1], ALL_VALUES))).toBe(2);
  });
});

describe('AnalyticsCache memory budget', () => {
  it('drops the least recently used parts once those that say their size pass the budget', async () => {
    const cache = new AnalyticsCache(100, 60_000, 1_000);
    const part = (n: number) => Promise.resolve({ n, lo: 0, values: Array.from({ length: n }, (_, i) => i) });
    await cache.get('a', () => part(50), undefined, sizeOfPart); // about 450 bytes
    await cache.get('small', () => Promise.resolve(1)); // says no size: never counted
    await cache.get('b', () => part(50), undefined, sizeOfPart);
    expect(cache.bytes).toBeLessThanOrEqual(1_000);
    await cache.get('a', () => part(50), undefined, sizeOfPart); // a hit: now most recently used
    await cache.get('c', () => part(50), undefined, sizeOfPart); // over budget: 'small' and then 'b' go
    expect(cache.bytes).toBeLessThanOrEqual(1_000);
    const misses = cache.misses;
    await cache.get('a', () => part(50), undefined, sizeOfPart);
    await cache.get('c', () => part(50), undefined, sizeOfPart);
    expect(cache.misses).toBe(misses);
    await cache.get('b', () => part(50), undefined, sizeOfPart);
    expect(cache.misses).toBe(misses + 1);
  });
});
