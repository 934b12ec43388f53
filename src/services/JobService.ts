import { NotFoundError } from '../errors/index.js';
import { requireActor, type ServiceScope } from './scope.js';

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

/** Background jobs as the API shows them: only jobs whose payload names the caller's organization. */
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
}
