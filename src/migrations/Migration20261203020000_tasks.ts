import { Migration } from '@mikro-orm/migrations';

/**
 * Tasks (calls, follow-ups, appointments …) with a reminder each, and per-user notifications.
 * A reminder is a delayed job keyed by the task's `reminder_version`; rescheduling bumps the
 * version, so a job for an earlier schedule finds itself stale. A notification's `dedupe_key` is
 * unique per organization, so a job that runs twice (a worker killed after writing, before
 * acknowledging) notifies once. The organization's time zone places all-day tasks and "today".
 */
export class Migration20261203020000_tasks extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table organizations add column time_zone text not null default 'America/Chicago';
create type task_type as enum ('CALL', 'TEXT', 'EMAIL', 'FOLLOW_UP', 'APPOINTMENT', 'SITE_VISIT', 'OFFER', 'OTHER');
create type task_status as enum ('OPEN', 'DONE', 'CANCELED');
create type task_priority as enum ('LOW', 'NORMAL', 'HIGH', 'URGENT');
create table tasks (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  title text not null,
  notes text,
  type task_type not null,
  priority task_priority not null default 'NORMAL',
  status task_status not null default 'OPEN',
  due_at timestamptz,
  all_day boolean not null default false,
  remind_minutes_before int not null default 0 check (remind_minutes_before between 0 and 10080),
  reminder_version int not null default 0,
  reminded_at timestamptz,
  assignee_id uuid not null,
  lead_id uuid,
  deal_id uuid,
  property_id uuid,
  recurrence_every int check (recurrence_every between 1 and 365),
  recurrence_unit text check (recurrence_unit in ('DAYS', 'WEEKS')),
  recurs_from_id uuid,
  completed_at timestamptz,
  completed_by_id uuid,
  created_by_id uuid,
  foreign key (organization_id, assignee_id) references users (organization_id, id) deferrable initially deferred,
  foreign key (organization_id, lead_id) references leads (organization_id, id)
    on delete cascade deferrable initially deferred,
  foreign key (organization_id, deal_id) references deals (organization_id, id)
    on delete cascade deferrable initially deferred,
  foreign key (organization_id, property_id) references properties (organization_id, id)
    on delete cascade deferrable initially deferred,
  check ((recurrence_every is null) = (recurrence_unit is null))
);
create unique index tasks_org_id_idx on tasks (organization_id, id);
create index tasks_assignee_due_idx on tasks (organization_id, assignee_id, status, due_at nulls last, id);
create index tasks_org_due_idx on tasks (organization_id, status, due_at nulls last, id);
create index tasks_lead_idx on tasks (organization_id, lead_id) where lead_id is not null;
create unique index tasks_recurs_from_idx on tasks (organization_id, recurs_from_id) where recurs_from_id is not null;
create index tasks_deal_idx on tasks (organization_id, deal_id) where deal_id is not null;
alter table tasks enable row level security;
create policy tenant_isolation on tasks
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

create type notification_kind as enum (
  'TASK_DUE', 'TASK_ASSIGNED', 'LEAD_ASSIGNED', 'DEAL_ASSIGNED', 'DEAL_MOVED', 'REPLY_RECEIVED', 'JOB_FINISHED',
  'MENTION'
);
create table notifications (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  user_id uuid not null,
  kind notification_kind not null,
  title text not null,
  body text,
  task_id uuid,
  lead_id uuid,
  deal_id uuid,
  actor_user_id uuid,
  dedupe_key text not null,
  read_at timestamptz,
  foreign key (organization_id, user_id) references users (organization_id, id)
    on delete cascade deferrable initially deferred
);
create unique index notifications_dedupe_idx on notifications (organization_id, dedupe_key);
create index notifications_user_idx on notifications (organization_id, user_id, created_at desc, id);
create index notifications_unread_idx on notifications (organization_id, user_id) where read_at is null;
alter table notifications enable row level security;
create policy tenant_isolation on notifications
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());
`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop table if exists notifications;
drop table if exists tasks;
drop type if exists notification_kind;
drop type if exists task_priority;
drop type if exists task_status;
drop type if exists task_type;
alter table organizations drop column if exists time_zone;
`);
  }
}
