import { Activity, Deal, Lead, Organization, Property, Task, User } from '../../../entities/index.js';
import {
  ActivityType,
  Direction,
  NotificationKind,
  RecurrenceUnit,
  TaskPriority,
  TaskStatus,
  TaskType,
} from '../../../entities/enums.js';
import type { Page, PageRequest } from '../../../entities/pagination.js';
import type { TaskOrderColumn, TaskQuery } from '../../../entities/TaskRepository.js';
import { ValidationError } from '../../platform/errors/index.js';
import type { TaskReminderJob } from '../../platform/jobs/queues.js';
import * as v from '../../platform/validate.js';
import { publishPipelineEvent, PipelineEventType } from '../events.js';
import { NotificationService } from '../notifications/NotificationService.js';
import { findOrNotFound, requireActor, type ServiceScope } from '../scope.js';
import { addDays, localDay, parseDay, startOfDay } from './calendar.js';

export interface TaskFields {
  title?: string | null;
  notes?: string | null;
  type?: TaskType | null;
  priority?: TaskPriority | null;
  /** A due time; or `dueDate` for an all-day task. Null clears it (on update). */
  dueAt?: Date | null;
  /** `YYYY-MM-DD` in the organization's time zone: an all-day task. */
  dueDate?: string | null;
  remindMinutesBefore?: number | null;
  /** Default: the caller. */
  assigneeId?: string | null;
  leadId?: string | null;
  dealId?: string | null;
  propertyId?: string | null;
  recurrenceEvery?: number | null;
  recurrenceUnit?: RecurrenceUnit | null;
}

export interface CompleteTaskFields {
  /** Logs this on the task's lead timeline in the same transaction (e.g. a CALL and its outcome). */
  activity?: { type: ActivityType; outcome?: string | null; body?: string | null } | null;
  /** Creates the next task for the same lead/deal. */
  followUp?: TaskFields | null;
}

export type DueWindow = 'OVERDUE' | 'TODAY' | 'NEXT_7_DAYS' | 'NO_DATE';

export interface TaskFilter {
  assigneeId?: string | null;
  due?: DueWindow | null;
  statuses?: TaskStatus[] | null;
  leadId?: string | null;
  dealId?: string | null;
}

const MAX_AHEAD_MS = 5 * 366 * 86_400_000;
/** All-day tasks are reminded at this hour of their day, in the organization's time zone. */
const ALL_DAY_REMINDER_HOUR = 9;

/**
 * Tasks and their reminders. A reminder is a delayed job (`task-reminder`, workers/task-reminder.ts)
 * keyed by the task and its `reminderVersion`: rescheduling, reassigning, completing or cancelling
 * bumps the version and drops the old job, so a reminder fires for the schedule it was made for
 * and exactly once (its notification has a dedupe key).
 */
export class TaskService {
  private zone: Promise<string> | null = null;

  constructor(private readonly scope: ServiceScope) {}

  get(id: string): Promise<Task> {
    return findOrNotFound(this.scope.em, Task, id, 'Task');
  }

  async page(filter: TaskFilter, order: { column: TaskOrderColumn; direction: 'asc' | 'desc' }, page: PageRequest) {
    const actor = requireActor(this.scope);
    const query = await this.query(filter);
    return this.scope.em.getRepository(Task).page(actor.organizationId, query, order, page) as Promise<Page<Task>>;
  }

  /** `options.id`: a caller that must find the task again after a crash (a sequence step) chooses its id. */
  async create(input: TaskFields, options: { id?: string } = {}): Promise<Task> {
    const actor = requireActor(this.scope);
    const task = this.scope.em.create(Task, {
      ...(options.id ? { id: options.id } : {}),
      title: v.requiredText(input.title ?? '', 'input.title', 300),
      type: input.type ?? TaskType.FOLLOW_UP,
      assigneeId: actor.id,
      createdById: actor.id,
    });
    await this.apply(task, input, true);
    await this.scope.em.flush();
    await this.afterChange(task, null);
    return task;
  }

  async update(id: string, input: TaskFields): Promise<Task> {
    const task = await this.get(id);
    const before = { assigneeId: task.assigneeId, schedule: scheduleOf(task) };
    if (input.title !== undefined) task.title = v.requiredText(input.title ?? '', 'input.title', 300);
    await this.apply(task, input, false);
    const rescheduled = before.schedule !== scheduleOf(task) || before.assigneeId !== task.assigneeId;
    const previousVersion = task.reminderVersion;
    if (rescheduled) task.reminderVersion++;
    await this.scope.em.flush();
    if (rescheduled) await this.afterChange(task, { version: previousVersion, assigneeId: before.assigneeId });
    return task;
  }

  /**
   * OPEN → DONE, with the activity it records and the follow-up it asks for in one transaction;
   * a recurring task gets its next occurrence. Its reminder is dropped.
   */
  async complete(id: string, input: CompleteTaskFields = {}): Promise<Task> {
    const actor = requireActor(this.scope);
    const task = await this.get(id);
    if (task.status !== TaskStatus.OPEN) throw new ValidationError(`This task is ${task.status}`, 'id');
    const next: Task[] = [];
    await this.scope.em.transactional(async (tem) => {
      const done = await tem.nativeUpdate(
        Task,
        { id: task.id, status: TaskStatus.OPEN },
        {
          status: TaskStatus.DONE,
          completedAt: new Date(),
          completedById: actor.id,
          reminderVersion: task.reminderVersion + 1,
        },
      );
      if (done !== 1) throw new ValidationError('This task was completed or cancelled meanwhile', 'id');
      if (input.activity) this.logActivity(tem, task, input.activity, actor.id);
      if (input.followUp) next.push(await this.followUp(tem, task, input.followUp));
      const recurring = await this.nextOccurrence(tem, task);
      if (recurring) next.push(recurring);
    });
    await this.scope.deps.queues.cancelTaskReminder(task.id, task.reminderVersion);
    this.announce(PipelineEventType.TASK_COMPLETED, task);
    for (const t of next) await this.afterChange(t, null);
    return this.scope.em.refresh(task) as Promise<Task>;
  }

  /** DONE or CANCELED → OPEN; the reminder is scheduled again when it is still ahead. */
  reopen(id: string): Promise<Task> {
    return this.setStatus(id, [TaskStatus.DONE, TaskStatus.CANCELED], TaskStatus.OPEN);
  }

  /** OPEN → CANCELED; the reminder is dropped. */
  cancel(id: string): Promise<Task> {
    return this.setStatus(id, [TaskStatus.OPEN], TaskStatus.CANCELED);
  }

  /**
   * The `task-reminder` job: notifies the assignee (TASK_DUE) if the task is still open and still
   * on the schedule the reminder was made for. Safe to repeat: the notification has a dedupe key.
   */
  async remind(data: TaskReminderJob): Promise<{ status: 'NOTIFIED' | 'ALREADY_NOTIFIED' | 'STALE' }> {
    const { em } = this.scope;
    const task = await em.findOne(Task, { id: data.taskId });
    if (!task || task.status !== TaskStatus.OPEN || task.reminderVersion !== data.version) return { status: 'STALE' };
    // Recorded before the notification is visible, so a reader who sees the notification sees this too;
    // a failure in between leaves the job to retry, and the dedupe key keeps the notification single.
    await em.nativeUpdate(Task, { id: task.id, reminderVersion: data.version }, { remindedAt: new Date() });
    const notified = await new NotificationService(this.scope).notify({
      userId: task.assigneeId,
      kind: NotificationKind.TASK_DUE,
      title: `Due: ${task.title}`,
      body: task.notes ?? null,
      taskId: task.id,
      leadId: task.leadId ?? null,
      dealId: task.dealId ?? null,
      dedupeKey: `task-due:${task.id}:v${data.version}`,
    });
    return { status: notified ? 'NOTIFIED' : 'ALREADY_NOTIFIED' };
  }

  private async setStatus(id: string, from: TaskStatus[], to: TaskStatus): Promise<Task> {
    const task = await this.get(id);
    const version = task.reminderVersion;
    const changed = await this.scope.em.nativeUpdate(Task, { id: task.id, status: { $in: from } }, {
      status: to,
      reminderVersion: version + 1,
      ...(to === TaskStatus.OPEN ? { completedAt: null, completedById: null } : {}),
    } as never);
    if (changed !== 1) throw new ValidationError(`This task is ${task.status}; it cannot become ${to}`, 'id');
    await this.scope.em.refresh(task);
    await this.scope.deps.queues.cancelTaskReminder(task.id, version);
    if (to === TaskStatus.OPEN) await this.schedule(task);
    return task;
  }

  /** Validates and applies the fields given (all of them on create). */
  private async apply(task: Task, input: TaskFields, creating: boolean): Promise<void> {
    const { em } = this.scope;
    if (input.notes !== undefined) task.notes = v.optionalText(input.notes, 'input.notes', 10_000);
    if (input.type) task.type = input.type;
    if (input.priority) task.priority = input.priority;
    if (input.dueAt !== undefined || input.dueDate !== undefined || creating) await this.applyDue(task, input);
    if (input.remindMinutesBefore != null)
      task.remindMinutesBefore = v.intRange(input.remindMinutesBefore, 'input.remindMinutesBefore', 0, 10_080)!;
    if (input.assigneeId) task.assigneeId = await this.assignee(input.assigneeId);
    if (input.leadId !== undefined)
      task.leadId = input.leadId ? (await findOrNotFound(em, Lead, input.leadId, 'Lead')).id : undefined;
    if (input.dealId !== undefined)
      task.dealId = input.dealId ? (await findOrNotFound(em, Deal, input.dealId, 'Deal')).id : undefined;
    if (input.propertyId !== undefined)
      task.propertyId = input.propertyId
        ? (await findOrNotFound(em, Property, input.propertyId, 'Property')).id
        : undefined;
    if (input.recurrenceEvery !== undefined || input.recurrenceUnit !== undefined) applyRecurrence(task, input);
  }

  private async applyDue(task: Task, input: TaskFields): Promise<void> {
    if (input.dueAt && input.dueDate) throw new ValidationError('Give dueAt or dueDate, not both', 'input.dueDate');
    if (input.dueDate) {
      const day = parseDay(input.dueDate);
      if (!day) throw new ValidationError('input.dueDate must be a date like 2027-01-31', 'input.dueDate');
      task.dueAt = startOfDay(day, await this.timeZone());
      task.allDay = true;
    } else {
      task.dueAt = input.dueAt ?? undefined;
      task.allDay = false;
    }
    const field = input.dueDate ? 'input.dueDate' : 'input.dueAt';
    if (task.dueAt && Number.isNaN(task.dueAt.getTime()))
      throw new ValidationError(`${field} is not a valid time`, field);
    if (task.dueAt && task.dueAt.getTime() > Date.now() + MAX_AHEAD_MS)
      throw new ValidationError(`${field} is more than 5 years away`, field);
  }

  private async assignee(id: string): Promise<string> {
    const user = v.isUuid(id) ? await this.scope.em.findOne(User, { id: id.toLowerCase() }) : null;
    if (!user) throw new ValidationError('No such user in your organization', 'input.assigneeId');
    if (user.deactivatedAt)
      throw new ValidationError(`${user.name} is deactivated and cannot be given work`, 'input.assigneeId');
    return user.id;
  }

  private logActivity(
    tem: ServiceScope['em'],
    task: Task,
    activity: NonNullable<CompleteTaskFields['activity']>,
    userId: string,
  ): void {
    if (!task.leadId) throw new ValidationError('This task has no lead to log the activity on', 'input.activity');
    tem.create(Activity, {
      leadId: task.leadId,
      type: activity.type,
      direction: Direction.OUTBOUND,
      outcome: v.optionalText(activity.outcome, 'input.activity.outcome', 200),
      body: v.optionalText(activity.body, 'input.activity.body', 20_000) ?? task.title,
      occurredAt: new Date(),
      userId,
    });
  }

  private async followUp(tem: ServiceScope['em'], task: Task, input: TaskFields): Promise<Task> {
    const actor = requireActor(this.scope);
    const next = tem.create(Task, {
      title: v.requiredText(input.title ?? `Follow up: ${task.title}`, 'input.followUp.title', 300),
      type: input.type ?? TaskType.FOLLOW_UP,
      assigneeId: task.assigneeId,
      leadId: task.leadId,
      dealId: task.dealId,
      propertyId: task.propertyId,
      createdById: actor.id,
    });
    await new TaskService({ ...this.scope, em: tem }).apply(next, { ...input, title: undefined }, true);
    return next;
  }

  /**
   * A recurring task's next occurrence: the same task, due N days or weeks after this one. Once per
   * occurrence: completing it again after a reopen does not add a second one.
   */
  private async nextOccurrence(tem: ServiceScope['em'], task: Task): Promise<Task | null> {
    if (!task.recurrenceEvery || !task.recurrenceUnit || !task.dueAt) return null;
    if (await tem.count(Task, { recursFromId: task.id })) return null;
    const days = task.recurrenceEvery * (task.recurrenceUnit === RecurrenceUnit.WEEKS ? 7 : 1);
    const tz = await this.timeZone();
    const dueAt = task.allDay
      ? startOfDay(addDays(localDay(task.dueAt, tz), days), tz)
      : new Date(task.dueAt.getTime() + days * 86_400_000);
    return tem.create(Task, {
      title: task.title,
      notes: task.notes,
      type: task.type,
      priority: task.priority,
      dueAt,
      allDay: task.allDay,
      remindMinutesBefore: task.remindMinutesBefore,
      assigneeId: task.assigneeId,
      leadId: task.leadId,
      dealId: task.dealId,
      propertyId: task.propertyId,
      recurrenceEvery: task.recurrenceEvery,
      recurrenceUnit: task.recurrenceUnit,
      recursFromId: task.id,
      createdById: task.createdById,
    });
  }

  /** After a task is stored or rescheduled: the old reminder dropped, the new one set, the assignee told. */
  private async afterChange(task: Task, before: { version: number; assigneeId: string } | null): Promise<void> {
    const actor = requireActor(this.scope);
    if (before) await this.scope.deps.queues.cancelTaskReminder(task.id, before.version);
    else this.announce(PipelineEventType.TASK_CREATED, task);
    await this.schedule(task);
    if (task.assigneeId !== actor.id && task.assigneeId !== before?.assigneeId)
      await new NotificationService(this.scope).notify({
        userId: task.assigneeId,
        kind: NotificationKind.TASK_ASSIGNED,
        title: `New task: ${task.title}`,
        taskId: task.id,
        leadId: task.leadId ?? null,
        dealId: task.dealId ?? null,
        actorUserId: actor.id,
        dedupeKey: `task-assigned:${task.id}:${task.assigneeId}:v${task.reminderVersion}`,
      });
  }

  private announce(type: PipelineEventType, task: Task): void {
    publishPipelineEvent(this.scope, task.organizationId, type, {
      taskId: task.id,
      leadId: task.leadId,
      dealId: task.dealId,
      propertyId: task.propertyId,
    });
  }

  /**
   * Queues the task's reminder and records that it is queued. If the queue cannot be reached the
   * task stays in the reminder outbox (its queued version lags) and the worker's sweep
   * (reminder-sweep.ts) queues it later; the change that called this still succeeds.
   */
  private async schedule(task: Task): Promise<void> {
    if (task.status !== TaskStatus.OPEN || !task.dueAt) return;
    const tz = task.allDay ? await this.timeZone() : null;
    const data = { organizationId: task.organizationId, taskId: task.id, version: task.reminderVersion };
    try {
      await this.scope.deps.queues.scheduleTaskReminder(data, reminderTime(task, tz));
    } catch (err) {
      this.scope.deps.log.warn({ err: (err as Error).message, taskId: task.id }, 'reminder left for the sweep');
      return;
    }
    await this.scope.em.execute('select app_mark_reminder_queued(?, ?)', [task.id, task.reminderVersion]);
  }

  /** The list filter as a query: the due window in the organization's time zone. */
  private async query(f: TaskFilter): Promise<TaskQuery> {
    const q: TaskQuery = {
      assigneeId: f.assigneeId ? v.uuid(f.assigneeId, 'filter.assigneeId') : null,
      statuses: f.statuses ?? (f.due && f.due !== 'NO_DATE' ? [TaskStatus.OPEN] : null),
      leadId: f.leadId ? v.uuid(f.leadId, 'filter.leadId') : null,
      dealId: f.dealId ? v.uuid(f.dealId, 'filter.dealId') : null,
    };
    if (!f.due) return q;
    if (f.due === 'NO_DATE') return { ...q, noDueDate: true };
    const tz = await this.timeZone();
    const today = localDay(new Date(), tz);
    const start = startOfDay(today, tz);
    if (f.due === 'OVERDUE') return { ...q, overdue: { todayStart: start, now: new Date() } };
    if (f.due === 'TODAY') return { ...q, dueFrom: start, dueBefore: startOfDay(addDays(today, 1), tz) };
    return { ...q, dueFrom: start, dueBefore: startOfDay(addDays(today, 7), tz) };
  }

  /** The organization's time zone, read once per service (one unit of work). */
  private timeZone(): Promise<string> {
    return (this.zone ??= this.readTimeZone());
  }

  private async readTimeZone(): Promise<string> {
    const actor = requireActor(this.scope);
    const org = await this.scope.em.findOne(
      Organization,
      { id: actor.organizationId },
      { fields: ['timeZone'] as never },
    );
    return org?.timeZone ?? 'America/Chicago';
  }
}

/** When a task's reminder fires: its due time minus the lead time; all-day tasks at 9:00 on the day, local time. */
export function reminderTime(
  task: Pick<Task, 'dueAt' | 'allDay' | 'remindMinutesBefore'>,
  timeZone: string | null,
): Date {
  const at =
    task.allDay && timeZone
      ? startOfDay(localDay(task.dueAt!, timeZone), timeZone, ALL_DAY_REMINDER_HOUR)
      : task.dueAt!;
  return new Date(at.getTime() - task.remindMinutesBefore * 60_000);
}

/** What a reminder depends on. */
function scheduleOf(task: Task): string {
  return `${task.dueAt?.toISOString() ?? ''}|${task.allDay}|${task.remindMinutesBefore}`;
}

function applyRecurrence(task: Task, input: TaskFields): void {
  const every = input.recurrenceEvery ?? null;
  const unit = input.recurrenceUnit ?? null;
  if ((every == null) !== (unit == null))
    throw new ValidationError('Give recurrenceEvery and recurrenceUnit together', 'input.recurrenceEvery');
  if (every != null) v.intRange(every, 'input.recurrenceEvery', 1, 365);
  task.recurrenceEvery = every ?? undefined;
  task.recurrenceUnit = unit ?? undefined;
}
