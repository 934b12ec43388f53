import { Redis, type RedisOptions } from 'ioredis';

/**
 * A new ioredis connection. BullMQ workers and pub/sub subscribers need their own blocking
 * connections (`maxRetriesPerRequest: null`), so callers ask for one per purpose.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false, ...options });
}

export type { Redis };
