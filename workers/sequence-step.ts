import { QueueName, type SequenceStepJob } from '../src/platform/jobs/queues.js';
import type { JobSpec } from './index.js';

/** `sequence-step`: one step of one enrollment at its time (SequenceRunner.runStep). */
export const sequenceStep: JobSpec<SequenceStepJob> = {
  queue: QueueName.SEQUENCE,
  name: 'sequence-step',
  concurrency: (base) => Math.max(base, 20), // mostly waiting on SMTP or the SMS gateway
  run: (job, services) => services.sequenceRunner.runSteps(job),
  giveUp: (data, error, services) => services.sequenceRunner.gaveUp(data, error.message),
};
