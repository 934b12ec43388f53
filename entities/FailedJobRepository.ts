import type { FailedJob } from './FailedJob.js';
import { PagedRepository, type Page, type PageRequest } from './pagination.js';

export class FailedJobRepository extends PagedRepository<FailedJob> {
  page(organizationId: string, queue: string | null | undefined, page: PageRequest): Promise<Page<FailedJob>> {
    return this.findPage(queue ? { queue } : {}, { column: 'failedAt', direction: 'desc' }, page, organizationId);
  }
}
