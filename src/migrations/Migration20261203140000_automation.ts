import { Migration } from '@mikro-orm/migrations';

/**
 * Automation rules ("when this happens, do that").
 *
 * Events come from triggers, in the transaction that made the change, whatever path made it (API,
 * import, SMS webhook, another rule): `automation_emit` appends to `automation_events` only when the
 * organization has an enabled rule for that trigger, and sends a NOTIFY on commit so the worker
 * picks the organization up at once (a sweep catches what a missed NOTIFY leaves). Time-based
 * triggers (task overdue, no activity for N days) are appended by the worker's sweep, once per
 * occurrence (`dedupe_key`).
 *
 * Each event carries the depth of the rule run that caused it (0 for a person's change): rule
 * actions run with `reos.automation_depth` set on their connections (see tenant-context.ts), so no
 * chain of rules can go deeper than the limit, whatever its shape.
 *
 * `automation_runs` is the record of every rule that fired (or would have but for the depth or rate
 * limit), and the claim that makes a rule act at most once per event: (rule_id, event_id) is unique
 * and inserted before the actions run.
 */
export class Migration20261203140000_automation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create type automation_trigger as enum ('LEAD_CREATED', 'LEAD_STATUS_CHANGED', 'LEAD_ASSIGNED', 'DEAL_STAGE_CHANGED',
  'MESSAGE_RECEIVED', 'TASK_OVERDUE', 'LEAD_INACTIVE', 'IMPORT_FINISHED');
create type automation_run_status as enum ('RUNNING', 'SUCCEEDED', 'PARTIAL', 'FAILED', 'SKIPPED');
alter type notification_kind add value if not exists 'AUTOMATION';
alter type notification_kind add value if not exists 'AUTOMATION_DISABLED';

create table automation_rules (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  name text not null,
  trigger automation_trigger not null,
  trigger_config jsonb not null default '{}',
  conditions jsonb not null default '[]',
  actions jsonb not null,
  enabled boolean not null default true,
  round_robin_next int not null default 0,
  consecutive_failures int not null default 0,
  disabled_reason text,
  created_by_id uuid,
  last_run_at timestamptz,
  unique (organization_id, id)
);
create index automation_rules_trigger_idx on automation_rules (organization_id, trigger) where enabled;

create table automation_events (
  id bigint generated always as identity primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  trigger automation_trigger not null,
  lead_id uuid,
  deal_id uuid,
  task_id uuid,
  import_id uuid,
  data jsonb not null default '{}',
  depth int not null default 0,
  dedupe_key text,
  processed_at timestamptz
);
create index automation_events_pending_idx on automation_events (organization_id, id) where processed_at is null;
create unique index automation_events_dedupe_idx on automation_events (organization_id, dedupe_key)
  where dedupe_key is not null;

create table automation_runs (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  rule_id uuid not null,
  event_id bigint not null,
  trigger automation_trigger not null,
  object_type text not null,
  object_id uuid,
  depth int not null,
  status automation_run_status not null default 'RUNNING',
  actions jsonb not null default '[]',
  skipped_reason text,
  error text,
  unique (rule_id, event_id),
  foreign key (organization_id, rule_id) references automation_rules (organization_id, id) on delete cascade
);
create index automation_runs_rule_idx on automation_runs (organization_id, rule_id, created_at desc, id desc);
create index automation_runs_object_idx on automation_runs (rule_id, object_id, created_at);

-- One engine per organization at a time (a lease, so a crashed worker's is taken over when it expires).
create table automation_leases (
  organization_id uuid primary key references organizations (id) on delete cascade,
  holder text,
  locked_until timestamptz
);

alter table automation_rules enable row level security;
alter table automation_events enable row level security;
alter table automation_runs enable row level security;
alter table automation_leases enable row level security;
create policy tenant_isolation on automation_rules
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());
create policy tenant_isolation on automation_events
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());
create policy tenant_isolation on automation_runs
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());
create policy tenant_isolation on automation_leases
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

create function automation_emit(p_org uuid, p_trigger automation_trigger, p_lead uuid, p_deal uuid, p_task uuid,
                                p_import uuid, p_data jsonb) returns void language plpgsql as $$
begin
  if exists (select 1 from automation_rules r where r.organization_id = p_org and r.trigger = p_trigger and r.enabled)
  then
    insert into automation_events (organization_id, trigger, lead_id, deal_id, task_id, import_id, data, depth)
    values (p_org, p_trigger, p_lead, p_deal, p_task, p_import, p_data,
            coalesce(nullif(current_setting('reos.automation_depth', true), '')::int, 0));
    perform pg_notify('automation_events', p_org::text);
  end if;
end $$;

create function automation_on_lead() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    perform automation_emit(new.organization_id, 'LEAD_CREATED', new.id, null, null, null,
                            jsonb_build_object('source', new.source));
    if new.assigned_user_id is not null then
      perform automation_emit(new.organization_id, 'LEAD_ASSIGNED', new.id, null, null, null,
                              jsonb_build_object('to', new.assigned_user_id));
    end if;
    return null;
  end if;
  if new.status is distinct from old.status then
    perform automation_emit(new.organization_id, 'LEAD_STATUS_CHANGED', new.id, null, null, null,
                            jsonb_build_object('from', old.status, 'to', new.status));
  end if;
  if new.assigned_user_id is distinct from old.assigned_user_id then
    perform automation_emit(new.organization_id, 'LEAD_ASSIGNED', new.id, null, null, null,
                            jsonb_build_object('from', old.assigned_user_id, 'to', new.assigned_user_id));
  end if;
  return null;
end $$;
create trigger leads_automation after insert or update of status, assigned_user_id on leads
  for each row execute function automation_on_lead();

create function automation_on_deal() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' or new.stage is distinct from old.stage then
    perform automation_emit(new.organization_id, 'DEAL_STAGE_CHANGED', new.lead_id, new.id, null, null,
      jsonb_build_object('from', case when tg_op = 'UPDATE' then old.stage end, 'to', new.stage));
  end if;
  return null;
end $$;
create trigger deals_automation after insert or update of stage on deals
  for each row execute function automation_on_deal();

create function automation_on_inbound() returns trigger language plpgsql as $$
begin
  perform automation_emit(new.organization_id, 'MESSAGE_RECEIVED', new.lead_id, null, null, null,
                          jsonb_build_object('channel', new.channel, 'kind', new.kind, 'inboundMessageId', new.id));
  return null;
end $$;
create trigger inbound_messages_automation after insert on inbound_messages
  for each row execute function automation_on_inbound();

create function automation_on_import() returns trigger language plpgsql as $$
begin
  if new.status = 'COMPLETED' and old.status is distinct from 'COMPLETED' then
    perform automation_emit(new.organization_id, 'IMPORT_FINISHED', null, null, null, new.id,
                            jsonb_build_object('kind', new.kind));
  end if;
  return null;
end $$;
create trigger imports_automation after update of status on imports
  for each row execute function automation_on_import();

-- The worker's sweep, across organizations: time-based events (once per occurrence), then the
-- organizations with events waiting longer than older_than (a NOTIFY the worker missed).
create function app_automation_sweep(max_rows int, older_than interval) returns table (organization_id uuid)
  language plpgsql security definer set search_path = public as $$
begin
  insert into automation_events (organization_id, trigger, lead_id, task_id, data, dedupe_key)
  select t.organization_id, 'TASK_OVERDUE', t.lead_id, t.id, jsonb_build_object('dueAt', t.due_at),
         'task-overdue:' || t.id || ':' || t.reminder_version
    from tasks t
   where t.status = 'OPEN' and t.due_at < now() and t.due_at > now() - interval '7 days'
     and exists (select 1 from automation_rules r
                  where r.organization_id = t.organization_id and r.trigger = 'TASK_OVERDUE' and r.enabled)
   limit max_rows
  on conflict (organization_id, dedupe_key) where dedupe_key is not null do nothing;

  insert into automation_events (organization_id, trigger, lead_id, data, dedupe_key)
  select l.organization_id, 'LEAD_INACTIVE', l.id, jsonb_build_object('days', d.days),
         'inactive:' || l.id || ':' || d.days || ':' || extract(epoch from coalesce(l.last_activity_at, l.created_at))
    from (select distinct r.organization_id, (r.trigger_config ->> 'days')::int as days
            from automation_rules r where r.trigger = 'LEAD_INACTIVE' and r.enabled) d
    join leads l on l.organization_id = d.organization_id
   where coalesce(l.last_activity_at, l.created_at) < now() - make_interval(days => d.days)
     and l.status <> 'DEAD'
   limit max_rows
  on conflict (organization_id, dedupe_key) where dedupe_key is not null do nothing;

  return query select distinct e.organization_id from automation_events e
                where e.processed_at is null and e.created_at < now() - older_than;
end $$;
revoke all on function app_automation_sweep(int, interval) from public;
`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop function if exists app_automation_sweep(int, interval);
drop trigger if exists imports_automation on imports;
drop trigger if exists inbound_messages_automation on inbound_messages;
drop trigger if exists deals_automation on deals;
drop trigger if exists leads_automation on leads;
drop function if exists automation_on_import(), automation_on_inbound(), automation_on_deal(), automation_on_lead();
drop function if exists automation_emit(uuid, automation_trigger, uuid, uuid, uuid, uuid, jsonb);
drop table if exists automation_leases, automation_runs, automation_events, automation_rules;
drop type if exists automation_run_status, automation_trigger;
`);
  }
}
