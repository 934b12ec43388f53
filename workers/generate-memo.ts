import { QueueName, type GenerateMemoJob } from '../src/platform/jobs/queues.js';
import type { JobSpec } from './index.js';

/** `generate-memo`: renders and stores a memo PDF, then memoReady (MemoService.render). */
export const generateMemo: JobSpec<GenerateMemoJob> = {
  queue: QueueName.MEMO,
  name: 'generate-memo',
  concurrency: () => 2,
  run: (job, services) => services.memos.render(job),
  giveUp: (data, error, services) => services.memos.renderGaveUp(data, error.message),
};
