import { QueueName, type NotificationDigestJob } from '../src/platform/jobs/queues.js';
import type { JobSpec } from './index.js';

/** `notification-digest`: a user's daily email of unread notifications (NotificationService.sendDigest). */
export const notificationDigest: JobSpec<NotificationDigestJob> = {
  queue: QueueName.REMINDER,
  name: 'notification-digest',
  concurrency: (base) => Math.max(base, 20),
  run: (job, services) => services.notifications.sendDigest(job.data),
  giveUp: () => Promise.resolve(), // the dead letter is the record; the next day's job was scheduled first
};
