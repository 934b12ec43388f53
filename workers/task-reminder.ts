import { QueueName, type TaskReminderJob } from '../src/platform/jobs/queues.js';
import type { JobSpec } from './index.js';

/** `task-reminder`: at a task's reminder time, notifies its assignee once (TaskService.remind). */
export const taskReminder: JobSpec<TaskReminderJob> = {
  queue: QueueName.REMINDER,
  name: 'task-reminder',
  concurrency: (base) => Math.max(base, 20), // small queries and a publish each
  run: (job, services) => services.tasks.remind(job.data),
  giveUp: () => Promise.resolve(), // nothing to mark: the dead letter is the record
};
