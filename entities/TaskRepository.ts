import type { FilterQuery } from '@mikro-orm/core';
import type { TaskStatus } from './enums.js';
import { PagedRepository, type Order, type Page, type PageRequest } from './pagination.js';
import type { Task } from './Task.js';

/** A task list's filter, with the due window already turned into times (TaskService does that). */
export interface TaskQuery {
  assigneeId?: string | null;
  statuses?: TaskStatus[] | null;
  leadId?: string | null;
  dealId?: string | null;
  /** Due at or after this time. */
  dueFrom?: Date | null;
  /** Due before this time. */
  dueBefore?: Date | null;
  /** Only tasks without a due time. */
  noDueDate?: boolean;
  /** Past due: an all-day task due before today, a timed one due before now. */
  overdue?: { todayStart: Date; now: Date } | null;
}

export type TaskOrderColumn = 'dueAt' | 'priority' | 'createdAt';

export class TaskRepository extends PagedRepository<Task> {
  page(organizationId: string, q: TaskQuery, order: Order<TaskOrderColumn>, page: PageRequest): Promise<Page<Task>> {
    return this.findPage(this.where(q), order, page, organizationId);
  }

  where(q: TaskQuery): FilterQuery<Task> {
    const and: FilterQuery<Task>[] = [];
    if (q.assigneeId) and.push({ assigneeId: q.assigneeId });
    if (q.statuses?.length) and.push({ status: { $in: q.statuses } });
    if (q.leadId) and.push({ leadId: q.leadId });
    if (q.dealId) and.push({ dealId: q.dealId });
    if (q.noDueDate) and.push({ dueAt: null });
    if (q.dueFrom) and.push({ dueAt: { $gte: q.dueFrom } });
    if (q.dueBefore) and.push({ dueAt: { $lt: q.dueBefore } });
    if (q.overdue)
      and.push({
        $or: [
          { allDay: true, dueAt: { $lt: q.overdue.todayStart } },
          { allDay: false, dueAt: { $lt: q.overdue.now } },
        ],
      });
    return and.length ? { $and: and } : {};
  }
}
