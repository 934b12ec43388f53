import { QueueName, type WebhookDispatchJob } from '../src/platform/jobs/queues.js';
import type { JobSpec } from './index.js';

/**
 * `webhook-dispatch`: an organization's new events become deliveries (WebhookService.dispatch).
 * Nothing to mark on give-up: the events stay undispatched and the sweep queues them again.
 */
export const webhookDispatch: JobSpec<WebhookDispatchJob> = {
  queue: QueueName.WEBHOOK,
  name: 'webhook-dispatch',
  concurrency: (base) => Math.max(base, 50),
  run: (job, services) => services.webhooks.dispatch(job.data.organizationId),
  giveUp: () => Promise.resolve(),
};
