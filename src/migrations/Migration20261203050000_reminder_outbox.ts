import { Migration } from '@mikro-orm/migrations';

/**
 * Reminders as an outbox. A task is stored first and its reminder job queued after the commit; a
 * process that dies in between (or a Redis that is away at that moment) used to leave the task
 * without a reminder until it was next changed. `reminder_queued_version` records the schedule
 * whose job is known to be queued; a task whose `reminder_version` is ahead of it is in the outbox,
 * and the worker's sweep (`app_reminders_to_queue`) queues it. Job ids are per task and version, so
 * queuing twice is harmless.
 *
 * The sweep reads across organizations, which row-level security forbids the app role: the two
 * functions run as their owner (SECURITY DEFINER) and return or change only what the sweep needs.
 */
export class Migration20261203050000_reminder_outbox extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table tasks add column reminder_queued_version int;
update tasks set reminder_queued_version = reminder_version;
create index tasks_reminder_outbox_idx on tasks (created_at)
  where status = 'OPEN' and due_at is not null and reminder_queued_version is distinct from reminder_version;

create function app_reminders_to_queue(max_rows int, older_than interval)
  returns table (organization_id uuid, task_id uuid, reminder_version int, due_at timestamptz, all_day boolean,
                 remind_minutes_before int, time_zone text)
  language sql stable security definer set search_path = public as $$
  select t.organization_id, t.id, t.reminder_version, t.due_at, t.all_day, t.remind_minutes_before, o.time_zone
    from tasks t join organizations o on o.id = t.organization_id
   where t.status = 'OPEN' and t.due_at is not null
     and t.reminder_queued_version is distinct from t.reminder_version
     and t.updated_at < now() - older_than
   order by t.created_at
   limit max_rows
$$;

create function app_mark_reminder_queued(p_task_id uuid, p_version int) returns void
  language sql security definer set search_path = public as $$
  update tasks set reminder_queued_version = p_version
   where id = p_task_id and reminder_version = p_version
     and reminder_queued_version is distinct from p_version
$$;
revoke all on function app_reminders_to_queue(int, interval) from public;
revoke all on function app_mark_reminder_queued(uuid, int) from public;
`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop function if exists app_reminders_to_queue(int, interval);
drop function if exists app_mark_reminder_queued(uuid, int);
drop index if exists tasks_reminder_outbox_idx;
alter table tasks drop column if exists reminder_queued_version;
`);
  }
}
