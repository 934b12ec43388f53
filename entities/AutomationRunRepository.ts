import type { AutomationRun } from './AutomationRun.js';
import { PagedRepository, type Page, type PageRequest } from './pagination.js';

export class AutomationRunRepository extends PagedRepository<AutomationRun> {
  /** A rule's runs, newest first. */
  page(organizationId: string, ruleId: string, page: PageRequest): Promise<Page<AutomationRun>> {
    return this.findPage({ ruleId }, { column: 'createdAt', direction: 'desc' }, page, organizationId);
  }
}
