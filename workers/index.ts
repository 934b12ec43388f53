import { DriverException } from '@mikro-orm/core';
import { DelayedError, UnrecoverableError, Worker, type Job, type Processor } from 'bullmq';
import type { Services } from '../src/domains/index.js';
import type { AppDeps } from '../src/platform/deps.js';
import { isReplay } from '../src/platform/jobs/job-ids.js';
import type { JobRun } from '../src/platform/jobs/job-run.js';
import { isDatabaseUnavailable } from '../src/platform/db/unavailable.js';
import { DeadLetters } from '../src/platform/jobs/dead-letters.js';
import { queuePrefix } from '../src/platform/jobs/queues.js';
import type { Metrics } from '../src/platform/observability/metrics.js';
import type { Geocoder } from '../src/platform/providers/geocoder/index.js';
import { createRedis, redisHealth, type Redis } from '../src/platform/redis.js';
import { inOrganization } from '../src/platform/tenancy/enter.js';
import { sweepReminders } from '../src/domains/tasks/reminder-sweep.js';
import { pruneAuditLog } from '../src/domains/audit/audit-prune.js';
import { sweepSequenceSteps } from '../src/domains/sequences/sequence-sweep.js';
import { listenForAutomationEvents, sweepAutomation } from '../src/domains/automation/automation-feed.js';
import { listenForWebhookEvents, sweepWebhooks } from '../src/domains/webhooks/webhook-feed.js';
import { analyticsRollup } from './analytics-rollup.js';
import { automationRun } from './automation-run.js';
import { campaignSend } from './campaign-send.js';
import { enrichProperty } from './enrich-property.js';
import { generateMemo } from './generate-memo.js';
import { geocodeProperty } from './geocode-property.js';
import { importCsv } from './import-csv.js';
import { sendMessage } from './send-message.js';
import { sequenceStep } from './sequence-step.js';
import { notificationDigest } from './notification-digest.js';
import { taskReminder } from './task-reminder.js';
import { webhookDeliver } from './webhook-deliver.js';
import { webhookDispatch } from './webhook-dispatch.js';

/** One kind of job: which queue and job name it takes, and the service method it calls. */
export interface JobSpec<T extends { organizationId: string }> {
  queue: string;
  /** Job name on the queue (the `email` and `sms` queues carry two kinds). */
  name: string;
  /** Concurrency per process, from the base (WORKER concurrency, default 5). */
  concurrency: (base: number) => number;
  /** Runs inside the job's organization, with services bound to it. */
  run(job: JobRun<T>, services: Services): Promise<unknown>;
  /** After the last attempt or a permanent failure: records the failure on the row. */
  giveUp(data: T, error: Error, services: Services): Promise<void>;
}

// A heterogeneous list of specs; each is typed where it is written.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
type AnySpec = JobSpec<any>;

export const JOBS: AnySpec[] = [
  geocodeProperty,
  enrichProperty,
  generateMemo,
  sendMessage,
  ...campaignSend,
  importCsv,
  taskReminder,
  notificationDigest,
  analyticsRollup,
  sequenceStep,
  automationRun,
  webhookDispatch,
  webhookDeliver,
];

export interface RunningWorkers {
  workers: Worker[];
  close(): Promise<void>;
}

/** Starts one BullMQ worker per queue. `close()` lets running jobs finish before returning. */
export function startWorkers(
  deps: AppDeps,
  options: { geocoder?: Geocoder; concurrency?: number; metrics?: Metrics } = {},
): RunningWorkers {
  const jobDeps = options.geocoder ? { ...deps, geocoder: options.geocoder } : deps;
  const connection = createRedis(deps.config);
  const base = options.concurrency ?? 5;
  const queues = [...new Set(JOBS.map((s) => s.queue))];
  const deadLetters = new DeadLetters(jobDeps, connection, (pending, error) => {
    const spec = JOBS.find((s) => s.queue === pending.queue && s.name === pending.name);
    const organizationId = (pending.data as { organizationId: string }).organizationId;
    return spec
      ? inOrganization(jobDeps, organizationId, (s) => spec.giveUp(pending.data, error, s))
      : Promise.resolve();
  });
  const workers = queues.map((queue) => {
    const specs = JOBS.filter((s) => s.queue === queue);
    return start(
      jobDeps,
      connection,
      options.metrics,
      queue,
      specs,
      Math.max(...specs.map((s) => s.concurrency(base))),
      deadLetters,
    );
  });
  deps.log.info({ queues, geocoder: jobDeps.geocoder.name, propertyData: deps.propertyData.name }, 'workers started');
  const sweep = startReminderSweep(deps, deadLetters);
  const automationFeed = listenForAutomationEvents(deps);
  const webhookFeed = listenForWebhookEvents(deps);
  return {
    workers,
    async close() {
      await sweep.stop();
      await automationFeed.stop();
      await webhookFeed.stop();
      await Promise.all(workers.map((w) => w.close()));
      connection.disconnect();
    },
  };
}

/** Sweeps the reminder outbox now and every REMINDER_SWEEP_MS; a failed sweep is retried on the next tick. */
function startReminderSweep(deps: AppDeps, deadLetters: DeadLetters): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  const tick = () => {
    running ??= Promise.all([
      sweepReminders(deps),
      sweepSequenceSteps(deps, deps.config.sequenceSweepGraceMs),
      sweepAutomation(deps),
      sweepWebhooks(deps, deps.config.webhooks.sweepGraceMs),
      pruneAuditLog(deps),
      deadLetters.drain(),
    ])
      .then(([reminders, steps, organizations, , audit, deadLettersMoved]) => {
        if (deadLettersMoved)
          deps.log.info({ deadLetters: deadLettersMoved }, 'dead letters moved from Redis to Postgres');
        if (reminders || steps) deps.log.info({ reminders, steps }, 'queued from the outboxes');
        if (audit) deps.log.info({ audit }, 'audit entries past retention deleted');
        if (organizations) deps.log.debug({ organizations }, 'automation events swept');
      })
      .catch((err: Error) =>
        // Postgres away is not a Redis outage: say which, and try again on the next tick.
        err instanceof DriverException
          ? deps.log.warn({ err: err.message }, 'sweep skipped: the database is unavailable')
          : redisHealth.report(err, 'reminder sweep failed'),
      )
      .finally(() => (running = null));
  };
  tick();
  const timer = setInterval(tick, deps.config.reminderSweepMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

/**
 * The one job wrapper: every job runs its spec inside the organization named by its payload
 * (tenant scope, EntityManager and services entered once, here).
 */
export function jobProcessor(deps: AppDeps, specs: AnySpec[]): Processor {
  const byName = new Map(specs.map((s) => [s.name, s]));
  return async (job: Job, token?: string) => {
    const spec = byName.get(job.name);
    if (!spec) throw new UnrecoverableError(`No worker for job ${job.name} on ${job.queueName}`);
    const { [DB_DOWN_SINCE]: downSince, ...data } = job.data as Record<string, unknown>;
    const run: JobRun<unknown> = {
      id: String(job.id),
      data,
      replay: isReplay(job.id),
      progress: (percent) => job.updateProgress(percent),
    };
    try {
      const result = await inOrganization(deps, (data as { organizationId: string }).organizationId, (s) =>
        spec.run(run, s),
      );
      if (downSince !== undefined) await job.updateData(data); // the outage is over for this job
      return result;
    } catch (err) {
      await waitOutDatabase(deps, job, token, err, typeof downSince === 'number' ? downSince : null, data);
      throw err;
    }
  };
}

/** Job data key holding when the job first found Postgres away (removed once it ran). */
const DB_DOWN_SINCE = '_databaseDownSince';

/**
 * Postgres away (a failover, an outage) is not the job's fault: instead of spending one of its
 * attempts, the job waits and runs again — after 1 s, growing to 5 s — for up to JOB_DATABASE_WAIT_MS
 * (10 minutes) from the first such failure. Past that, the error counts as an attempt as usual.
 * Returns normally when the error is anything else.
 */
async function waitOutDatabase(
  deps: AppDeps,
  job: Job,
  token: string | undefined,
  err: unknown,
  downSince: number | null,
  data: Record<string, unknown>,
): Promise<void> {
  if (!token || !isDatabaseUnavailable(err)) return;
  const since = downSince ?? Date.now();
  const waited = Date.now() - since;
  if (waited > deps.config.jobDatabaseWaitMs) return;
  const delay = Math.min(5_000, Math.max(1_000, waited / 2));
  deps.log.warn({ queue: job.queueName, jobId: job.id, retryInMs: delay }, 'database unavailable; the job waits');
  await job.updateData({ ...data, [DB_DOWN_SINCE]: since });
  await job.moveToDelayed(Date.now() + delay, token);
  throw new DelayedError();
}

/**
 * One worker: logs failures, and when a job gives up records it in the dead-letter list
 * (failedJobs) and lets the feature mark its row failed. Records job durations.
 */
function start(
  deps: AppDeps,
  connection: Redis,
  metrics: Metrics | undefined,
  queue: string,
  specs: AnySpec[],
  concurrency: number,
  deadLetters: DeadLetters,
): Worker {
  const { log } = deps;
  const worker = new Worker(queue, jobProcessor(deps, specs), {
    connection,
    prefix: queuePrefix(connection, deps.config.redisPrefix, queue),
    concurrency,
    // A worker that dies holding a job loses its lock after lockDuration; the stalled-job check
    // (every stalledInterval) then hands the job to another worker.
    lockDuration: deps.config.jobLockMs,
    stalledInterval: deps.config.jobLockMs,
  });
  worker.on('error', (err) => redisHealth.report(err, `worker error (${queue})`));
  worker.on('failed', (job: Job | undefined, err) => {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || err instanceof UnrecoverableError;
    log.warn({ queue, jobId: job.id, attempt: job.attemptsMade, final, err: err.message }, 'job failed');
    if (!final) return;
    // Redis first, then Postgres with the feature's give-up (now, or when Postgres is back).
    deadLetters.add(queue, job, err).catch((e: Error) => log.error({ queue, err: e }, 'could not record the failure'));
  });
  const observe = (job: Job | undefined, outcome: string) => {
    if (job?.processedOn && job.finishedOn)
      metrics?.jobDuration.observe({ queue, outcome }, (job.finishedOn - job.processedOn) / 1000);
  };
  worker.on('completed', (job) => observe(job, 'completed'));
  worker.on('failed', (job) => observe(job, 'failed'));
  return worker;
}
