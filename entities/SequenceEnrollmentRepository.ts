import type { EnrollmentStatus } from './enums.js';
import { PagedRepository, type Page, type PageRequest } from './pagination.js';
import type { SequenceEnrollment } from './SequenceEnrollment.js';

export class SequenceEnrollmentRepository extends PagedRepository<SequenceEnrollment> {
  /** A sequence's enrollments, oldest first, optionally of one status. */
  page(
    organizationId: string,
    sequenceId: string,
    status: EnrollmentStatus | null | undefined,
    page: PageRequest,
  ): Promise<Page<SequenceEnrollment>> {
    const where = status ? { sequenceId, status } : { sequenceId };
    return this.findPage(where, { column: 'createdAt', direction: 'asc' }, page, organizationId);
  }
}
