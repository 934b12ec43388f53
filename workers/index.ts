import { Worker, type Job, type Processor } from 'bullmq';
import type { Metrics } from '../src/platform/observability/metrics.js';
import { createGeocoder, type Geocoder } from '../src/platform/providers/geocoder/index.js';
import {
  QueueName,
  type EnrichPropertyJob,
  type GenerateMemoJob,
  type GeocodePropertyJob,
  type OutreachJob,
  type SendMessageJob,
  type CampaignSendJob,
  type ImportCsvJob,
} from '../src/platform/jobs/queues.js';
import { createRedis, redisHealth, type Redis } from '../src/platform/redis.js';
import { recordDeadLetter } from '../src/platform/jobs/JobService.js';
import type { AppDeps } from '../src/domains/scope.js';
import { enrichPropertyProcessor, markEnrichmentFailed } from './enrich-property.js';
import { generateMemoProcessor, markMemoFailed } from './generate-memo.js';
import { geocodePropertyProcessor, markFailed } from './geocode-property.js';
import { campaignSendProcessor, markRecipientFailed } from './campaign-send.js';
import { importCsvProcessor, markImportFailed } from './import-csv.js';
import { markMessageFailed, sendMessageProcessor } from './send-message.js';

export interface RunningWorkers {
  workers: Worker[];
  close(): Promise<void>;
}

interface WorkerSpec<T> {
  queue: string;
  processor: Processor<T>;
  concurrency: number;
  /** After the last attempt (or an UnrecoverableError): record the failure on the row. */
  onGiveUp: (data: T, error: Error) => Promise<void>;
}

/** Starts one BullMQ worker per queue. `close()` lets running jobs finish before returning. */
export function startWorkers(
  deps: AppDeps,
  options: { geocoder?: Geocoder; concurrency?: number; metrics?: Metrics } = {},
): RunningWorkers {
  const { config, log } = deps;
  const connection = createRedis(config.redisUrl);
  const geocoder = options.geocoder ?? createGeocoder(config);
  const concurrency = options.concurrency ?? 5;

  const workers = [
    start<GeocodePropertyJob>(deps, connection, options.metrics, {
      queue: QueueName.GEOCODE,
      processor: geocodePropertyProcessor(deps, geocoder),
      concurrency,
      onGiveUp: (data, err) => (err.name === 'UnrecoverableError' ? Promise.resolve() : markFailed(deps, data)), // the processor marked it already
    }),
    start<EnrichPropertyJob>(deps, connection, options.metrics, {
      queue: QueueName.ENRICH,
      processor: enrichPropertyProcessor(deps),
      concurrency,
      onGiveUp: (data) => markEnrichmentFailed(deps, data),
    }),
    start<GenerateMemoJob>(deps, connection, options.metrics, {
      queue: QueueName.MEMO,
      processor: generateMemoProcessor(deps),
      concurrency: 2,
      onGiveUp: (data, err) => markMemoFailed(deps, data, err.message),
    }),
    ...[QueueName.EMAIL, QueueName.SMS].map((queue) =>
      start<OutreachJob>(deps, connection, options.metrics, {
        queue,
        processor: outreach(deps),
        concurrency: Math.max(concurrency, queue === QueueName.EMAIL ? 50 : 20), // I/O-bound: SMTP/HTTP round trips and small queries
        onGiveUp: (data, err) =>
          'campaignId' in data
            ? markRecipientFailed(deps, data, err.message)
            : markMessageFailed(deps, data as SendMessageJob, err.message),
      }),
    ),
    start<ImportCsvJob>(deps, connection, options.metrics, {
      queue: QueueName.IMPORT,
      processor: importCsvProcessor(deps),
      concurrency: 2, // CPU-bound parsing; each import is already batched
      onGiveUp: (data, err) => markImportFailed(deps, data, err.message),
    }),
  ];
  log.info(
    { queues: workers.map((w) => w.name), geocoder: geocoder.name, propertyData: deps.propertyData.name },
    'workers started',
  );

  return {
    workers,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      connection.disconnect();
    },
  };
}

/** The `email` and `sms` queues carry one-off sends and campaign sends, told apart by job name. */
function outreach(deps: AppDeps): Processor<OutreachJob> {
  const single = sendMessageProcessor(deps);
  const campaign = campaignSendProcessor(deps);
  return (job) =>
    job.name === 'campaign-send' ? campaign(job as Job<CampaignSendJob>) : single(job as Job<SendMessageJob>);
}

/**
 * One worker: logs failures, and when a job gives up records it in the dead-letter list
 * (failedJobs) and lets the feature mark its row failed. Records job durations.
 */
function start<T>(deps: AppDeps, connection: Redis, metrics: Metrics | undefined, spec: WorkerSpec<T>): Worker {
  const { log } = deps;
  const worker = new Worker<T>(spec.queue, spec.processor, {
    connection,
    prefix: deps.config.redisPrefix,
    concurrency: spec.concurrency,
    // A worker that dies holding a job loses its lock after lockDuration; the stalled-job check
    // (every stalledInterval) then hands the job to another worker.
    lockDuration: deps.config.jobLockMs,
    stalledInterval: deps.config.jobLockMs,
  });
  worker.on('error', (err) => redisHealth.report(err, `worker error (${spec.queue})`));
  worker.on('failed', (job: Job<T> | undefined, err) => {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === 'UnrecoverableError';
    log.warn({ queue: spec.queue, jobId: job.id, attempt: job.attemptsMade, final, err: err.message }, 'job failed');
    if (!final) return;
    Promise.all([recordDeadLetter(deps, spec.queue, job as Job, err), spec.onGiveUp(job.data, err)]).catch((e) =>
      log.error({ queue: spec.queue, err: e }, 'could not record the failure'),
    );
  });
  const observe = (job: Job<T> | undefined, outcome: string) => {
    if (job?.processedOn && job.finishedOn)
      metrics?.jobDuration.observe({ queue: spec.queue, outcome }, (job.finishedOn - job.processedOn) / 1000);
  };
  worker.on('completed', (job) => observe(job, 'completed'));
  worker.on('failed', (job) => observe(job, 'failed'));
  return worker as Worker;
}
