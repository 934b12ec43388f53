import { FailedJob } from '../../../entities/index.js';
import type { Page, PageRequest } from '../../../entities/pagination.js';
import { NotFoundError, ValidationError } from '../errors/index.js';
import { jobIds } from './job-ids.js';
import { withTenant } from '../tenancy/tenant-em.js';
import type { AppDeps } from '../deps.js';
import { findOrNotFound, requireActor, type ServiceScope } from '../../domains/scope.js';

export interface JobView {
  id: string;
  queue: string;
  name: string;
  state: string;
  progress: number;
  attemptsMade: number;
  result: unknown;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

/**
 * Background jobs as the API shows them — only jobs whose payload names the caller's organization —
 * and the dead-letter list of jobs that used up their attempts.
 */
export class JobService {
  constructor(private readonly scope: ServiceScope) {}

  async get(id: string): Promise<JobView> {
    const actor = requireActor(this.scope);
    for (const queue of this.scope.deps.queues.all()) {
      const job = await queue.getJob(id);
      if (!job) continue;
      // Another organization's job looks exactly like a missing one.
      if ((job.data as { organizationId?: string }).organizationId !== actor.organizationId) break;
      const state = await job.getState();
      return {
        id,
        queue: queue.name,
        name: job.name,
        state,
        progress: typeof job.progress === 'number' ? job.progress : 0,
        attemptsMade: job.attemptsMade,
        result: job.returnvalue ?? null,
        error: state === 'failed' ? (job.failedReason ?? 'failed') : null,
        createdAt: new Date(job.timestamp),
        finishedAt: job.finishedOn ? new Date(job.finishedOn) : null,
      };
    }
    throw new NotFoundError('Job', id);
  }

  failed(queue: string | null | undefined, page: PageRequest): Promise<Page<FailedJob>> {
    return this.scope.em.getRepository(FailedJob).page(requireActor(this.scope).organizationId, queue, page);
  }

  /**
   * Runs a dead-lettered job again with the same payload, once. The jobs themselves guard their side
   * effects (they skip work already done), so a replay of a job that had partly succeeded does not
   * repeat it.
   */
  async replay(id: string): Promise<FailedJob> {
    const actor = requireActor(this.scope);
    const dead = await findOrNotFound(this.scope.em, FailedJob, id, 'FailedJob');
    if (dead.replayedAt) {
      const state = dead.replayJobId
        ? await this.get(dead.replayJobId).then(
            (j) => j.state,
            () => 'gone',
          )
        : 'gone';
      throw new ValidationError(
        `This job was already replayed as ${dead.replayJobId} (${state}); replaying it again could repeat its work`,
        'id',
      );
    }
    const queue = this.scope.deps.queues.all().find((q) => q.name === dead.queue);
    if (!queue) throw new ValidationError(`Queue ${dead.queue} no longer exists`, 'id');
    const replayJobId = jobIds.replay(dead.jobId, dead.id);
    // Claim the record first: two concurrent replays cannot both enqueue.
    const claimed = await this.scope.em.nativeUpdate(
      FailedJob,
      { id: dead.id, replayedAt: null },
      { replayedAt: new Date(), replayJobId, replayedById: actor.id },
    );
    if (claimed !== 1) throw new ValidationError('This job is being replayed already', 'id');
    await queue.add(dead.jobName, dead.payload, { jobId: replayJobId });
    await this.scope.em.refresh(dead);
    return dead;
  }
}

/**
 * A dead-letter row in the job's organization for a job that gave up (see DeadLetters, which calls
 * it). Writing the same give-up twice (a retry after the row was written) adds nothing.
 */
export async function recordDeadLetter(
  deps: AppDeps,
  queue: string,
  job: { name: string; id: string; data: Record<string, unknown>; attempts: number; failedAt: number },
  error: Error,
): Promise<void> {
  const organizationId = (job.data as { organizationId?: string }).organizationId;
  if (!organizationId) return;
  await withTenant(deps.orm, organizationId, async (em) => {
    const failedAt = new Date(job.failedAt);
    if (await em.findOne(FailedJob, { queue, jobId: job.id, failedAt })) return;
    em.create(FailedJob, {
      organizationId,
      queue,
      jobName: job.name,
      jobId: job.id,
      payload: job.data,
      lastError: error.message.slice(0, 2_000),
      attempts: job.attempts,
      failedAt,
    });
    await em.flush();
  });
}
