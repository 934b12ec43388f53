import { QueueName, type WebhookDeliverJob } from '../src/platform/jobs/queues.js';
import type { JobSpec } from './index.js';

/**
 * `webhook-deliver`: one try of one delivery (WebhookService.deliver). A failed HTTP try is not a
 * failed job — it is recorded and the next try scheduled; the job fails (and BullMQ retries it)
 * only when the database or Redis could not be reached. On give-up the delivery stays due and the
 * sweep queues it again.
 */
export const webhookDeliver: JobSpec<WebhookDeliverJob> = {
  queue: QueueName.WEBHOOK,
  name: 'webhook-deliver',
  concurrency: (base) => Math.max(base, 100),
  run: (job, services) => services.webhooks.deliver(job.data),
  giveUp: () => Promise.resolve(),
};
