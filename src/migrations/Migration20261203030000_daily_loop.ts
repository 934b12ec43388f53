import { Migration } from '@mikro-orm/migrations';

/**
 * The daily loop. Leads carry what "who do I call today" needs — last contact, last inbound message,
 * last activity, next open task, open task count, the property's score — kept by triggers, so every
 * path that writes tasks or activities (a mutation, a campaign batch, an inbound SMS, an import)
 * keeps them true. The triggers are per statement with transition tables: a batch of 1,000
 * activities is one UPDATE of the leads it touched, not 1,000.
 *
 * Also: the property score stored for sorting (recomputed by the application when its inputs
 * change; a lead copies its property's on insert and when it moves to another property), organization settings for stale leads and texting hours, per-user notification
 * preferences, one-to-one SMS (outbound messages without a template, held until the texting window
 * opens, with delivery reports), and when a conversation was last read.
 */
export class Migration20261203030000_daily_loop extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table organizations
  add column stale_lead_days int not null default 14 check (stale_lead_days between 1 and 365),
  add column sms_window_start_hour int not null default 9 check (sms_window_start_hour between 0 and 23),
  add column sms_window_end_hour int not null default 20 check (sms_window_end_hour between 1 and 24);

alter table properties add column score double precision;
create index properties_score_idx on properties (organization_id, score desc nulls last, id);

alter table leads
  add column last_contacted_at timestamptz,
  add column last_inbound_at timestamptz,
  add column last_activity_at timestamptz,
  add column next_task_at timestamptz,
  add column open_task_count int not null default 0,
  add column score double precision,
  add column conversation_read_at timestamptz,
  add column awaiting_reply boolean not null
    generated always as (coalesce(last_inbound_at > coalesce(last_contacted_at, '-infinity'::timestamptz), false)) stored;
create index leads_assignee_new_idx on leads (organization_id, assigned_user_id, created_at, id)
  where status = 'NEW' and last_contacted_at is null;
create index leads_assignee_awaiting_idx on leads (organization_id, assigned_user_id, last_inbound_at, id)
  where awaiting_reply;
create index leads_assignee_activity_idx on leads (organization_id, assigned_user_id, last_activity_at, id);
create index leads_score_idx on leads (organization_id, score desc nulls last, id);
create index leads_last_contacted_idx on leads (organization_id, last_contacted_at, id);
create index leads_next_task_idx on leads (organization_id, next_task_at, id);

create function leads_copy_score() returns trigger language plpgsql as $$
begin
  new.score := (select p.score from properties p where p.id = new.property_id);
  return new;
end $$;
create trigger leads_copy_score before insert or update of property_id on leads
  for each row execute function leads_copy_score();

create function leads_touch_activity() returns trigger language plpgsql as $$
begin
  update leads l
     set last_activity_at = greatest(l.last_activity_at, a.last_any),
         last_contacted_at = greatest(l.last_contacted_at, a.last_out),
         last_inbound_at = greatest(l.last_inbound_at, a.last_in)
    from (select lead_id,
                 max(occurred_at) as last_any,
                 max(occurred_at) filter (where direction = 'OUTBOUND' and type <> 'NOTE') as last_out,
                 max(occurred_at) filter (where direction = 'INBOUND') as last_in
            from new_rows group by lead_id) a
   where l.id = a.lead_id;
  return null;
end $$;
create trigger activities_touch_leads after insert on activities
  referencing new table as new_rows for each statement execute function leads_touch_activity();

create function leads_count_tasks(lead_ids uuid[]) returns void language sql as $$
  update leads l
     set open_task_count = coalesce(t.open_count, 0), next_task_at = t.next_at
    from (select x.id,
                 (select count(*) from tasks t where t.lead_id = x.id and t.status = 'OPEN') as open_count,
                 (select min(t.due_at) from tasks t where t.lead_id = x.id and t.status = 'OPEN') as next_at
            from unnest(lead_ids) as x (id)) t
   where l.id = t.id
$$;
create function tasks_touch_leads_ins() returns trigger language plpgsql as $$
begin
  perform leads_count_tasks(array(select distinct lead_id from new_rows where lead_id is not null));
  return null;
end $$;
create function tasks_touch_leads_upd() returns trigger language plpgsql as $$
begin
  perform leads_count_tasks(array(
    select distinct lead_id from (select lead_id from new_rows union select lead_id from old_rows) r
     where lead_id is not null));
  return null;
end $$;
create function tasks_touch_leads_del() returns trigger language plpgsql as $$
begin
  perform leads_count_tasks(array(select distinct lead_id from old_rows where lead_id is not null));
  return null;
end $$;
create trigger tasks_touch_leads_ins after insert on tasks
  referencing new table as new_rows for each statement execute function tasks_touch_leads_ins();
create trigger tasks_touch_leads_upd after update on tasks
  referencing new table as new_rows old table as old_rows for each statement execute function tasks_touch_leads_upd();
create trigger tasks_touch_leads_del after delete on tasks
  referencing old table as old_rows for each statement execute function tasks_touch_leads_del();

update leads l
   set last_activity_at = a.last_any, last_contacted_at = a.last_out, last_inbound_at = a.last_in
  from (select lead_id,
               max(occurred_at) as last_any,
               max(occurred_at) filter (where direction = 'OUTBOUND' and type <> 'NOTE') as last_out,
               max(occurred_at) filter (where direction = 'INBOUND') as last_in
          from activities group by lead_id) a
 where l.id = a.lead_id;
select leads_count_tasks(array(select distinct lead_id from tasks where lead_id is not null));

create table notification_preferences (
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  user_id uuid not null,
  muted_kinds notification_kind[] not null default '{}',
  digest_enabled boolean not null default false,
  digest_hour int not null default 7 check (digest_hour between 0 and 23),
  last_digest_at timestamptz,
  updated_at timestamptz not null default now(),
  primary key (organization_id, user_id),
  foreign key (organization_id, user_id) references users (organization_id, id)
    on delete cascade deferrable initially deferred
);
alter table notification_preferences enable row level security;
create policy tenant_isolation on notification_preferences
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

alter type message_status add value 'DELIVERED';
alter type message_status add value 'UNDELIVERED';
alter table outbound_messages alter column template_id drop not null;
alter table outbound_messages add column scheduled_for timestamptz, add column delivered_at timestamptz;
create index outbound_messages_provider_idx on outbound_messages (provider_message_id)
  where provider_message_id is not null;
create index inbound_messages_lead_idx on inbound_messages (organization_id, lead_id, received_at)
  where lead_id is not null;
`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop index if exists inbound_messages_lead_idx;
drop index if exists outbound_messages_provider_idx;
alter table outbound_messages drop column if exists scheduled_for, drop column if exists delivered_at;
drop table if exists notification_preferences;
drop trigger if exists tasks_touch_leads_ins on tasks;
drop trigger if exists tasks_touch_leads_upd on tasks;
drop trigger if exists tasks_touch_leads_del on tasks;
drop trigger if exists activities_touch_leads on activities;
drop trigger if exists leads_copy_score on leads;
drop function if exists leads_copy_score;
drop function if exists tasks_touch_leads_ins, tasks_touch_leads_upd, tasks_touch_leads_del, leads_touch_activity;
drop function if exists leads_count_tasks(uuid[]);
alter table leads drop column if exists last_contacted_at, drop column if exists last_inbound_at,
  drop column if exists last_activity_at, drop column if exists next_task_at, drop column if exists open_task_count,
  drop column if exists score, drop column if exists conversation_read_at,
  drop column if exists awaiting_reply;
alter table properties drop column if exists score;
alter table organizations drop column if exists stale_lead_days, drop column if exists sms_window_start_hour,
  drop column if exists sms_window_end_hour;
`);
  }
}
