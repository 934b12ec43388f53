import { QueueName, type SendMessageJob } from '../src/platform/jobs/queues.js';
import type { JobSpec } from './index.js';

/** `send-message`: one queued email, consent checked again at send time (MessageService.deliver). */
export const sendMessage: JobSpec<SendMessageJob> = {
  queue: QueueName.EMAIL,
  name: 'send-message',
  // I/O-bound: SMTP round trips and small queries
  concurrency: (base) => Math.max(base, 50),
  run: (job, services) => services.messages.deliver(job.data),
  giveUp: (data, error, services) => services.messages.deliveryGaveUp(data, error.message),
};
