import { Worker, type Job } from 'bullmq';
import { createGeocoder, type Geocoder } from '../src/providers/geocoder/index.js';
import { QueueName, type EnrichPropertyJob, type GenerateMemoJob, type GeocodePropertyJob } from '../src/queues.js';
import { createRedis } from '../src/redis.js';
import type { Metrics } from '../src/metrics.js';
import type { AppDeps } from '../src/services/scope.js';
import { enrichPropertyProcessor, markEnrichmentFailed } from './enrich-property.js';
import { generateMemoProcessor, markMemoFailed } from './generate-memo.js';
import { geocodePropertyProcessor, markFailed } from './geocode-property.js';

export interface RunningWorkers {
  workers: Worker[];
  close(): Promise<void>;
}

/** Starts one BullMQ worker per queue. `close()` lets running jobs finish before returning. */
export function startWorkers(deps: AppDeps, options: { geocoder?: Geocoder; concurrency?: number; metrics?: Metrics } = {}): RunningWorkers {
  const { config, log } = deps;
  const connection = createRedis(config.redisUrl);
  const geocoder = options.geocoder ?? createGeocoder(config);

  const geocode = new Worker<GeocodePropertyJob>(QueueName.GEOCODE, geocodePropertyProcessor(deps, geocoder), {
    connection,
    prefix: config.redisPrefix,
    concurrency: options.concurrency ?? 5,
  });
  geocode.on('failed', (job: Job<GeocodePropertyJob> | undefined, err) => {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === 'UnrecoverableError';
    log.warn({ queue: QueueName.GEOCODE, jobId: job.id, attempt: job.attemptsMade, final, err: err.message }, 'job failed');
    if (final && err.name !== 'UnrecoverableError') {
      markFailed(deps, job.data).catch((e) => log.error({ err: e }, 'could not mark geocoding failed'));
    }
  });

  const enrich = new Worker<EnrichPropertyJob>(QueueName.ENRICH, enrichPropertyProcessor(deps), {
    connection,
    prefix: config.redisPrefix,
    concurrency: options.concurrency ?? 5,
  });
  enrich.on('failed', (job, err) => {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === 'UnrecoverableError';
    log.warn({ queue: QueueName.ENRICH, jobId: job.id, attempt: job.attemptsMade, final, err: err.message }, 'job failed');
    if (final) markEnrichmentFailed(deps, job.data).catch((e) => log.error({ err: e }, 'could not mark enrichment failed'));
  });

  const memo = new Worker<GenerateMemoJob>(QueueName.MEMO, generateMemoProcessor(deps), { connection, prefix: config.redisPrefix, concurrency: 2 });
  memo.on('failed', (job, err) => {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === 'UnrecoverableError';
    log.warn({ queue: QueueName.MEMO, jobId: job.id, attempt: job.attemptsMade, final, err: err.message }, 'job failed');
    if (final) markMemoFailed(deps, job.data, err.message).catch((e) => log.error({ err: e }, 'could not mark memo failed'));
  });

  const workers = [geocode, enrich, memo] as Worker[];
  for (const w of workers) {
    w.on('error', (err) => log.error({ worker: w.name, err }, 'worker error'));
    const observe = (job: Job | undefined, outcome: string) => {
      if (job?.processedOn && job.finishedOn) options.metrics?.jobDuration.observe({ queue: w.name, outcome }, (job.finishedOn - job.processedOn) / 1000);
    };
    w.on('completed', (job) => observe(job, 'completed'));
    w.on('failed', (job) => observe(job, 'failed'));
  }
  log.info({ queues: workers.map((w) => w.name), geocoder: geocoder.name }, 'workers started');

  return {
    workers,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      connection.disconnect();
    },
  };
}
