import type { ConnectionType, MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { Config } from '../config.js';
import type { Logger } from '../observability/logger.js';
import { createRequestRedis, type Redis } from '../redis.js';

/** A WAL position ('16/B374D848') as a number of bytes, so positions compare. */
export function lsnValue(lsn: string): bigint {
  const [hi, lo] = lsn.split('/');
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
}

/** How long a replica's replay position is trusted before it is asked again. */
const REPLAY_TTL_MS = 100;
/** How long an organization's last write position is remembered (a replica an hour behind is not used anyway). */
const WRITE_TTL_S = 3_600;

// Keeps the larger of the stored and the given position (writes of one organization may finish out of order).
const RECORD_WRITE = `
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > cur then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
else redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return 1`;

/**
 * Reads of lists and analytics from PostgreSQL streaming replicas (`DATABASE_REPLICA_URLS`), with
 * read-your-own-writes: after each mutation, job or signed route of an organization, the primary's
 * WAL position is recorded for it (in Redis, so every API process knows); a read goes to a replica
 * only when every replica has replayed past that position, otherwise — or when a replica cannot be
 * asked, or Redis cannot — to the primary. Writes, and every other read, use the primary.
 */
export class ReplicaReads {
  private readonly monitors: pg.Pool[];
  private readonly redis: Redis | null;
  private replayed: { at: number; value: Promise<bigint | null> } | null = null;
  private warned = false;

  constructor(
    private readonly orm: MikroORM,
    private readonly config: Config,
    private readonly log: Logger,
  ) {
    this.monitors = config.databaseReplicaUrls.map(
      (connectionString) =>
        new pg.Pool({
          connectionString,
          max: 1,
          idleTimeoutMillis: 30_000,
          connectionTimeoutMillis: 1_000,
          query_timeout: 1_000,
        }),
    );
    // A replica that went away is asked again on the next read.
    for (const pool of this.monitors) pool.on('error', () => undefined);
    this.redis = this.enabled ? createRequestRedis(config) : null;
    this.redis?.defineCommand('reosRecordWrite', { numberOfKeys: 1, lua: RECORD_WRITE });
  }

  get enabled(): boolean {
    return this.monitors.length > 0;
  }

  private key(organizationId: string): string {
    return `${this.config.redisPrefix}:lsn:${organizationId}`;
  }

  /** After an organization's writes committed on the primary: its reads wait for replicas to pass this point. */
  async recordWrite(organizationId: string): Promise<void> {
    if (!this.redis) return;
    const rows = await this.orm.em
      .getConnection('write')
      .execute<{ lsn: string }[]>('select pg_current_wal_lsn()::text as lsn');
    const at = lsnValue(rows[0]!.lsn).toString();
    await (this.redis as unknown as RecordWrite).reosRecordWrite(this.key(organizationId), at, WRITE_TTL_S);
  }

  /** Where an organization's list and analytics reads go now: 'read' (a replica) or 'write' (the primary). */
  async connectionFor(organizationId: string): Promise<ConnectionType> {
    if (!this.redis) return 'write';
    let wanted: bigint;
    try {
      wanted = BigInt((await this.redis.get(this.key(organizationId))) ?? '0');
    } catch {
      return 'write'; // without Redis we cannot know what the organization wrote last
    }
    const known = await this.replayedLsn(false);
    if (known !== null && known >= wanted) return 'read';
    const fresh = await this.replayedLsn(true);
    return fresh !== null && fresh >= wanted ? 'read' : 'write';
  }

  /** The smallest replay position over the replicas (any of them may serve a read), or null when one cannot say. */
  private replayedLsn(fresh: boolean): Promise<bigint | null> {
    const now = Date.now();
    if (!fresh && this.replayed && now - this.replayed.at < REPLAY_TTL_MS) return this.replayed.value;
    const value = this.askReplicas();
    this.replayed = { at: now, value };
    return value;
  }

  private async askReplicas(): Promise<bigint | null> {
    try {
      const positions = await Promise.all(
        this.monitors.map(async (pool) => {
          const { rows } = await pool.query<{ lsn: string | null }>('select pg_last_wal_replay_lsn()::text as lsn');
          if (!rows[0]?.lsn) throw new Error('a replica is not replaying WAL (is it a standby?)');
          return lsnValue(rows[0].lsn);
        }),
      );
      if (this.warned) this.log.info('read replicas answer again');
      this.warned = false;
      return positions.reduce((a, b) => (b < a ? b : a));
    } catch (err) {
      if (!this.warned)
        this.log.warn({ err: (err as Error).message }, 'read replica unavailable; reads use the primary');
      this.warned = true;
      return null;
    }
  }

  async close(): Promise<void> {
    this.redis?.disconnect();
    await Promise.all(this.monitors.map((p) => p.end()));
  }
}

interface RecordWrite {
  reosRecordWrite(key: string, lsn: string, ttl: number): Promise<number>;
}

/** Which EntityManagers may read from a replica, and how they decide (per request, once). */
const routes = new WeakMap<object, () => Promise<ConnectionType>>();

/** Lets list and analytics reads through `em` use a replica when `decide` says so (a GraphQL query's). */
export function allowReplicaReads(em: object, decide: () => Promise<ConnectionType>): void {
  routes.set(em, decide);
}

/** The connection a list or analytics read through `em` uses: a replica only where the platform allowed it. */
export function readConnection(em: object): Promise<ConnectionType> {
  return routes.get(em)?.() ?? Promise.resolve('write');
}
