import { QueueEvents, type Queue } from 'bullmq';
import { Topics } from '../pubsub.js';
import { QueueName, queuePrefix } from './queues.js';
import { createRedis, redisHealth } from '../redis.js';
import type { AppDeps } from '../deps.js';

/**
 * Relays BullMQ progress, completion and failure events to the job's organization channel, where
 * the jobProgress subscription listens. One QueueEvents (its own blocking connection) per queue.
 * Internal jobs are not relayed: analytics folds (their result is `analyticsUpdated`, and a relayed
 * event would itself count as a change to fold), sequence steps (`sequenceProgress` tells of them, and
 * there is one per step of every enrollment) and automation runs (`automationRuns`).
 */
const INTERNAL: ReadonlySet<string> = new Set([
  QueueName.ANALYTICS,
  QueueName.SEQUENCE,
  QueueName.AUTOMATION,
  QueueName.WEBHOOK,
]);

export function relayJobEvents(deps: AppDeps): { close(): Promise<void> } {
  const listeners = deps.queues
    .all()
    .filter((queue) => !INTERNAL.has(queue.name))
    .map((queue) => listen(deps, queue));
  return {
    async close() {
      await Promise.all(listeners.map((l) => l.close()));
    },
  };
}

function listen(deps: AppDeps, queue: Queue): QueueEvents {
  const connection = createRedis(deps.config);
  const events = new QueueEvents(queue.name, {
    connection,
    prefix: queuePrefix(connection, deps.config.redisPrefix, queue.name),
  });
  events.on('error', (err) => redisHealth.report(err, `queue events error (${queue.name})`));
  const relay = async (jobId: string, state: string, progress?: number) => {
    const job = await queue.getJob(jobId);
    const organizationId = (job?.data as { organizationId?: string } | undefined)?.organizationId;
    if (!job || !organizationId) return;
    deps.pubsub.publish(Topics.JOBS, organizationId, {
      organizationId,
      jobId,
      queue: queue.name,
      state,
      progress: progress ?? (typeof job.progress === 'number' ? job.progress : 0),
      error: state === 'failed' ? (job.failedReason ?? null) : null,
    });
  };
  const guard = (p: Promise<void>) =>
    p.catch((err: Error) => deps.log.warn({ queue: queue.name, err: err.message }, 'could not relay job event'));
  events.on('progress', ({ jobId, data }) =>
    guard(relay(jobId, 'active', typeof data === 'number' ? data : undefined)),
  );
  events.on('completed', ({ jobId }) => guard(relay(jobId, 'completed', 100)));
  events.on('failed', ({ jobId }) => guard(relay(jobId, 'failed')));
  return events;
}
