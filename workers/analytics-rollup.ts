import { QueueName, type AnalyticsRollupJob } from '../src/platform/jobs/queues.js';
import type { JobSpec } from './index.js';

/**
 * `analytics-rollup`: at the end of a window with changes, folds the organization's activity deltas
 * into the daily rollup and tells `analyticsUpdated` subscribers (AnalyticsService.fold).
 */
export const analyticsRollup: JobSpec<AnalyticsRollupJob> = {
  queue: QueueName.ANALYTICS,
  name: 'analytics-rollup',
  concurrency: (base) => Math.max(base, 10), // one short statement and a publish each
  run: (job, services) => services.analytics.fold(job.data.organizationId),
  giveUp: () => Promise.resolve(), // the next window's fold folds what this one did not
};
