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
  // One transaction per key, sent together. A key's two minutes share a hash tag, so on a Redis
  // Cluster each transaction stays on one shard.
  const results = await Promise.all(
    list.map((key) =>
      redis
        .multi()
        .incr(`{${key}}:${minute}`)
        .expire(`{${key}}:${minute}`, 121)
        .get(`{${key}}:${minute - 1}`)
        .exec(),
    ),
  );
  const counts = results.map((r) => {
    const current = Number(r?.[0]?.[1] ?? 0);
    const previous = Number(r?.[2]?.[1] ?? 0);
    return current + Math.ceil(previous * (1 - (now % 60_000) / 60_000));
  });
  return typeof keys === 'string' ? counts[0]! : counts;
}
