import { UnrecoverableError, Worker, type Job, type Processor } from 'bullmq';
import type { Services } from '../src/domains/index.js';
import type { AppDeps } from '../src/platform/deps.js';
import { isReplay } from '../src/platform/jobs/job-ids.js';
import type { JobRun } from '../src/platform/jobs/job-run.js';
import { recordDeadLetter } from '../src/platform/jobs/JobService.js';
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
  const connection = createRedis(deps.config.redisUrl);
  const base = options.concurrency ?? 5;
  const queues = [...new Set(JOBS.map((s) => s.queue))];
  const workers = queues.map((queue) => {
    const specs = JOBS.filter((s) => s.queue === queue);
    return start(
      jobDeps,
      connection,
      options.metrics,
      queue,
      specs,
      Math.max(...specs.map((s) => s.concurrency(base))),
    );
  });
  deps.log.info({ queues, geocoder: jobDeps.geocoder.name, propertyData: deps.propertyData.name }, 'workers started');
  const sweep = startReminderSweep(deps);
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
function startReminderSweep(deps: AppDeps): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  const tick = () => {
    running ??= Promise.all([
      sweepReminders(deps),
      sweepSequenceSteps(deps, deps.config.sequenceSweepGraceMs),
      sweepAutomation(deps),
      sweepWebhooks(deps, deps.config.webhooks.sweepGraceMs),
      pruneAuditLog(deps),
    ])
      .then(([reminders, steps, organizations, , audit]) => {
        if (reminders || steps) deps.log.info({ reminders, steps }, 'queued from the outboxes');
        if (audit) deps.log.info({ audit }, 'audit entries past retention deleted');
        if (organizations) deps.log.debug({ organizations }, 'automation events swept');
      })
      .catch((err: Error) => redisHealth.report(err, 'reminder sweep failed'))
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
  return (job: Job) => {
    const spec = byName.get(job.name);
    if (!spec) throw new UnrecoverableError(`No worker for job ${job.name} on ${job.queueName}`);
    const run: JobRun<unknown> = {
      id: String(job.id),
      data: job.data,
      replay: isReplay(job.id),
      progress: (percent) => job.updateProgress(percent),
    };
    return inOrganization(deps, (job.data as { organizationId: string }).organizationId, (s) => spec.run(run, s));
  };
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
): Worker {
  const { log } = deps;
  const worker = new Worker(queue, jobProcessor(deps, specs), {
    connection,
    prefix: deps.config.redisPrefix,
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
    const spec = specs.find((s) => s.name === job.name);
    const organizationId = (job.data as { organizationId: string }).organizationId;
    Promise.all([
      recordDeadLetter(deps, queue, job, err),
      spec && inOrganization(deps, organizationId, (s) => spec.giveUp(job.data, err, s)),
    ]).catch((e) => log.error({ queue, err: e }, 'could not record the failure'));
  });
  const observe = (job: Job | undefined, outcome: string) => {
    if (job?.processedOn && job.finishedOn)
      metrics?.jobDuration.observe({ queue, outcome }, (job.finishedOn - job.processedOn) / 1000);
  };
  worker.on('completed', (job) => observe(job, 'completed'));
  worker.on('failed', (job) => observe(job, 'failed'));
  return worker;
}
