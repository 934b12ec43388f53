import { QueueName, type ImportCsvJob } from '../src/platform/jobs/queues.js';
import type { JobSpec } from './index.js';

/** `import-csv`: streams a CSV into properties or leads in checkpointed batches (ImportRunner.run). */
export const importCsv: JobSpec<ImportCsvJob> = {
  queue: QueueName.IMPORT,
  name: 'import-csv',
  concurrency: () => 2, // CPU-bound parsing; each import is already batched
  run: (job, services) => services.importRuns.run(job),
  giveUp: (data, error, services) => services.importRuns.gaveUp(data, error.message),
};
