import { QueueName, type EnrichPropertyJob } from '../src/platform/jobs/queues.js';
import type { JobSpec } from './index.js';

/** `enrich-property`: hazards and owner facts with provenance (PropertyEnrichmentService.enrich). */
export const enrichProperty: JobSpec<EnrichPropertyJob> = {
  queue: QueueName.ENRICH,
  name: 'enrich-property',
  concurrency: (base) => base,
  run: (job, services) => services.enrichment.enrich(job),
  giveUp: (data, _error, services) => services.enrichment.enrichGaveUp(data),
};
