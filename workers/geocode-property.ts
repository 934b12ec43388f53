import { QueueName, type GeocodePropertyJob } from '../src/platform/jobs/queues.js';
import type { JobSpec } from './index.js';

/** `geocode-property`: fills a property's coordinates and county (PropertyEnrichmentService.geocode). */
export const geocodeProperty: JobSpec<GeocodePropertyJob> = {
  queue: QueueName.GEOCODE,
  name: 'geocode-property',
  concurrency: (base) => base,
  run: (job, services) => services.enrichment.geocode(job.data),
  giveUp: (data, _error, services) => services.enrichment.geocodeGaveUp(data),
};
