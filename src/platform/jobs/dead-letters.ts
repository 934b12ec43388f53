import type { Job } from 'bullmq';
import type { AppDeps } from '../deps.js';
import type { Redis } from '../redis.js';
import { recordDeadLetter } from './JobService.js';

/** A job that gave up, waiting in Redis until Postgres takes its dead letter (and its row is marked). */
export interface PendingDeadLetter {
  queue: string;
  name: string;
  id: string;
  data: Record<string, unknown>;
  error: string;
  attempts: number;
  failedAt: number;
}

const key = (deps: AppDeps) => `${deps.config.redisPrefix}:dead-letters:pending`;

/**
 * Dead letters are written to Redis first, then moved to Postgres (`failed_jobs`) together with the
 * feature's give-up (its row marked FAILED): a job that gives up while Postgres is away is kept, and
 * lands — dead letter and FAILED row — when Postgres is back (the next drain: at once, and on every
 * worker sweep). An entry leaves Redis only after both were written.
 */
export class DeadLetters {
  private draining: Promise<number> | null = null;

  constructor(
    private readonly deps: AppDeps,
    private readonly redis: Redis,
    /** The feature's give-up for a job (marks its row FAILED); runs in the job's organization. */
    private readonly giveUp: (pending: PendingDeadLetter, error: Error) => Promise<void>,
  ) {}

  async add(queue: string, job: Job, error: Error): Promise<void> {
    // The job's own data, without what the worker kept on it while waiting out a database outage.
    const { _databaseDownSince: _waited, ...data } = job.data as Record<string, unknown>;
    const pending: PendingDeadLetter = {
      queue,
      name: job.name,
      id: String(job.id),
      data,
      error: error.message.slice(0, 2_000),
      attempts: job.attemptsMade,
      failedAt: job.finishedOn ?? Date.now(),
    };
    await this.redis.rpush(key(this.deps), JSON.stringify(pending));
    await this.drain();
  }

  /** Moves what Redis holds into Postgres, oldest first; stops at the first failure (Postgres away). */
  drain(): Promise<number> {
    this.draining ??= this.moveAll().finally(() => (this.draining = null));
    return this.draining;
  }

  private async moveAll(): Promise<number> {
    let moved = 0;
    for (;;) {
      const raw = await this.redis.lindex(key(this.deps), 0);
      if (!raw) return moved;
      const pending = JSON.parse(raw) as PendingDeadLetter;
      const error = new Error(pending.error);
      try {
        await recordDeadLetter(this.deps, pending.queue, pending, error);
        await this.giveUp(pending, error);
      } catch (err) {
        this.deps.log.warn({ err: (err as Error).message, jobId: pending.id }, 'dead letter kept in Redis for now');
        return moved;
      }
      await this.redis.lrem(key(this.deps), 1, raw);
      moved++;
    }
  }
}
