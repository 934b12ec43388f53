import { Cluster, Redis as Single, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { Config } from './config.js';
import type { Logger } from './observability/logger.js';

/** A connection to one Redis server or to a Redis Cluster; every command the app uses works on both. */
export type Redis = Single | Cluster;

/** Where Redis is: one URL, or with `redisCluster` the cluster's nodes (comma-separated URLs; one is enough). */
export type RedisTarget = Pick<Config, 'redisUrl' | 'redisCluster'>;

/**
 * Redis connection health for this process, shared by every connection: an outage is logged once
 * when the first connection loses Redis and once when one gets it back, not once per retry.
 */
class RedisHealth {
  up = true;
  private downAt = 0;
  private log: Logger | null = null;

  use(log: Logger): void {
    this.log = log;
  }

  down(err: Error): void {
    if (!this.up) return;
    this.up = false;
    this.downAt = Date.now();
    this.log?.warn(
      { err: err.message },
      'Redis is unreachable; retrying with backoff (requests that need it fail, others keep working)',
    );
  }

  /** `since`: when the check that proved Redis answers began (one begun before the outage proves nothing). */
  restored(since = Date.now()): void {
    if (this.up || since <= this.downAt) return;
    this.up = true;
    this.log?.info('Redis connection restored');
  }

  /** Connection errors mark Redis down (logged once); anything else is logged as it comes. */
  report(err: Error, what: string): void {
    if (isConnectionError(err)) this.down(err);
    else this.log?.error({ err }, what);
  }
}

export const redisHealth = new RedisHealth();

const CONNECTION_ERROR = new RegExp(
  [
    'ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|EPIPE|EAI_AGAIN',
    "Connection is closed|connect ETIMEDOUT|Stream isn't writeable|enableOfflineQueue|Command timed out",
  ].join('|'),
  'i',
);

export function isConnectionError(err: Error): boolean {
  return CONNECTION_ERROR.test(`${(err as NodeJS.ErrnoException).code ?? ''} ${err.message}`);
}

/** Reconnect after 100 ms, doubling up to 5 s: quiet during an outage, back within 5 s of recovery. */
const backoff = (times: number) => Math.min(100 * 2 ** Math.min(times, 6), 5_000);

/** The nodes of a cluster target, as host and port. */
export function clusterNodes(url: string): { host: string; port: number }[] {
  return url.split(',').map((u) => {
    const { hostname, port } = new URL(u.trim());
    return { host: hostname, port: Number(port || 6379) };
  });
}

/**
 * A new ioredis connection. BullMQ workers and pub/sub subscribers need their own blocking
 * connections (`maxRetriesPerRequest: null`), so callers ask for one per purpose. Every connection
 * reports to `redisHealth` and retries with backoff. On a Redis Cluster it is an ioredis `Cluster`
 * that routes each key to its shard, follows MOVED/ASK across resharding and failover, and keeps
 * one subscriber per master for sharded pub/sub.
 */
export function createRedis(target: RedisTarget, options: RedisOptions = {}): Redis {
  const redisOptions: RedisOptions = {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: backoff,
    ...options,
  };
  const redis: Redis = target.redisCluster
    ? new Cluster(clusterNodes(target.redisUrl), clusterOptions(target.redisUrl, redisOptions))
    : new Single(target.redisUrl, { lazyConnect: false, ...redisOptions });
  redis.on('error', (err: Error) => redisHealth.report(err, 'redis error'));
  // Back only when a command goes through: a connection can report ready in the very moment the
  // server dies (then the outage would be logged twice).
  redis.on('ready', () => {
    const since = Date.now();
    redis.ping().then(
      () => redisHealth.restored(since),
      () => undefined,
    );
  });
  return redis;
}

function clusterOptions(url: string, redisOptions: RedisOptions): ClusterOptions {
  const { username, password } = new URL(url.split(',')[0]!.trim());
  const { enableOfflineQueue, enableReadyCheck, retryStrategy, ...perNode } = redisOptions;
  return {
    redisOptions: {
      ...perNode,
      ...(username ? { username: decodeURIComponent(username) } : {}),
      ...(password ? { password: decodeURIComponent(password) } : {}),
    },
    enableOfflineQueue: enableOfflineQueue ?? true,
    enableReadyCheck: enableReadyCheck ?? true,
    clusterRetryStrategy: (times) => (retryStrategy as typeof backoff)(times),
    shardedSubscribers: true,
    // A cluster that lost a master answers CLUSTERDOWN until a replica takes over: retry, as for an outage.
    retryDelayOnClusterDown: 200,
    retryDelayOnTryAgain: 100,
    slotsRefreshTimeout: 2_000,
  };
}

/** How long a request waits for Redis before it answers SERVICE_UNAVAILABLE. */
export const REQUEST_REDIS_TIMEOUT_MS = 1_000;

/**
 * The connection requests use (rate limits, APQ, idempotency keys, share-link limits): while Redis
 * is away its commands fail at once instead of queueing (no offline queue), and a command Redis does
 * not answer within a second fails too, so a request never hangs on an outage; the connection itself
 * keeps reconnecting with backoff and serves again as soon as Redis is back.
 */
export function createRequestRedis(target: RedisTarget): Redis {
  return createRedis(target, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: REQUEST_REDIS_TIMEOUT_MS,
  });
}

/**
 * Resolves once `redis` is ready, or after `timeoutMs` (then its commands fail fast until it
 * connects). A connection without an offline queue refuses commands until then, so the API waits
 * for it before taking requests.
 */
export async function whenReady(redis: Redis, timeoutMs = 5_000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    function done() {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    }
    redis.on('ready', done);
  });
}

/** Fails with a message naming Redis and its address when it cannot be reached (used at start). */
export async function assertRedisReachable(target: RedisTarget, timeoutMs = 3_000): Promise<void> {
  const url = target.redisUrl.split(',')[0]!.trim(); // one node answers for a cluster too
  const probe = new Single(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
    enableOfflineQueue: false,
  });
  let cause: Error | null = null;
  probe.on('error', (err: Error) => (cause ??= err));
  try {
    await probe.connect();
    await probe.ping();
  } catch (err) {
    const { hostname, port } = new URL(url);
    throw new Error(
      `Redis is not reachable at ${hostname}:${port || 6379} (${(cause ?? (err as Error)).message}). Start it ` +
        '(redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no) or set REDIS_URL.',
    );
  } finally {
    probe.disconnect();
  }
}
