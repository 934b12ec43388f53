import type { Redis } from '../redis.js';

/**
 * This minute's requests plus the share of last minute's that falls inside the past 60 seconds (a
 * sliding window over two fixed ones), so a burst across a minute boundary is still one burst.
 */
export async function recentRequests(redis: Redis, key: string): Promise<number> {
  const now = Date.now();
  const minute = Math.floor(now / 60_000);
  const results = await redis
    .multi()
    .incr(`${key}:${minute}`)
    .expire(`${key}:${minute}`, 121)
    .get(`${key}:${minute - 1}`)
    .exec();
  const current = Number(results?.[0]?.[1] ?? 0);
  const previous = Number(results?.[2]?.[1] ?? 0);
  return current + Math.ceil(previous * (1 - (now % 60_000) / 60_000));
}
