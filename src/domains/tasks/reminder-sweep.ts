import type { AppDeps } from '../../platform/deps.js';
import { forkAnonymous } from '../../platform/tenancy/tenant-em.js';
import { reminderTime } from './TaskService.js';

interface OutboxRow {
  organization_id: string;
  task_id: string;
  reminder_version: number;
  due_at: Date | string;
  all_day: boolean;
  remind_minutes_before: number;
  time_zone: string;
}

/**
 * The reminder outbox's sweep: open tasks whose current schedule has no job known to be queued
 * (the process died between storing the task and queuing its reminder, or Redis was away), a
 * batch at a time, oldest first. Tasks changed in the last `graceMs` are left to the request that
 * is changing them. Queuing is idempotent (the job id is the task and its version). Returns how
 * many were queued.
 */
export async function sweepReminders(deps: AppDeps, graceMs = 10_000, batch = 500): Promise<number> {
  const em = forkAnonymous(deps.orm);
  let queued = 0;
  for (;;) {
    const rows = await em
      .getConnection()
      .execute<OutboxRow[]>('select * from app_reminders_to_queue(?, ?::interval)', [batch, `${graceMs} milliseconds`]);
    for (const r of rows) {
      const task = { dueAt: new Date(r.due_at), allDay: r.all_day, remindMinutesBefore: r.remind_minutes_before };
      await deps.queues.scheduleTaskReminder(
        { organizationId: r.organization_id, taskId: r.task_id, version: r.reminder_version },
        reminderTime(task, r.time_zone),
      );
      await em.getConnection().execute('select app_mark_reminder_queued(?, ?)', [r.task_id, r.reminder_version]);
    }
    queued += rows.length;
    if (rows.length < batch) return queued;
  }
}
