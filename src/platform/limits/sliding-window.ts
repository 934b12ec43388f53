import type { Redis } from '../redis.js';

/**
 * This minute's requests plus the share of last minute's that falls inside the past 60 seconds (a
 * sliding window over two fixed ones), so a burst across a minute boundary is still one burst.
 */
export async function recentRequests(redis: Redis, key: string): Promise<number>;
export async function recentRequests(redis: Redis, keys: string[]): Promise<number[]>;
export async function recentRequests(redis: Redis, keys: string | string[]): Promise<number | number[]> {
  const list = typeof keys === 'string' ? [keys] : keys;
  const now = Date.now();
  const minute = Math.floor(now / 60_000);
  // One round trip for all the keys.
  const multi = redis.multi();
  for (const key of list)
    multi
      .incr(`${key}:${minute}`)
      .expire(`${key}:${minute}`, 121)
      .get(`${key}:${minute - 1}`);
  const results = (await multi.exec()) ?? [];
  const counts = list.map((_, i) => {
    const current = Number(results[i * 3]?.[1] ?? 0);
    const previous = Number(results[i * 3 + 2]?.[1] ?? 0);
    return current + Math.ceil(previous * (1 - (now % 60_000) / 60_000));
  });
  return typeof keys === 'string' ? counts[0]! : counts;
}
