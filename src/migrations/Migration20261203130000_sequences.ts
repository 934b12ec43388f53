import { Migration } from '@mikro-orm/migrations';

/**
 * Follow-up sequences. A sequence's steps are versioned (`sequence_versions`, immutable): an
 * enrollment runs on the version it started with. An enrollment is a lead in a sequence — at most
 * one ACTIVE per (sequence, lead) — and `sequence_step_runs` is its timeline: one row per action
 * step (email, SMS, task) it reached, which is also the step's claim (SCHEDULED → SENDING → SENT),
 * so a step runs at most once however often its job runs.
 *
 * Exits that come from the data (a reply, a STOP, a lead marked DEAD or moved to a chosen status,
 * a deal for the lead) are applied by triggers in the transaction that made the change, whatever
 * path made it (API, import, SMS webhook, automation); the step job checks the enrollment again
 * before it acts, so an exit takes effect before the next step even when its job is already queued.
 */
export class Migration20261203130000_sequences extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create type sequence_status as enum ('ACTIVE', 'PAUSED', 'ARCHIVED');
create type enrollment_status as enum ('ACTIVE', 'COMPLETED', 'EXITED');
create type sequence_step_status as enum ('SCHEDULED', 'SENDING', 'SENT', 'DONE', 'SKIPPED', 'FAILED', 'CANCELLED');

create table sequences (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  name text not null,
  description text,
  status sequence_status not null default 'ACTIVE',
  version int not null default 1,
  steps jsonb not null,
  exit_on_reply boolean not null default true,
  exit_on_opt_out boolean not null default true,
  exit_on_dead boolean not null default true,
  exit_on_deal boolean not null default true,
  exit_statuses lead_status[] not null default '{}',
  window_start_hour int not null default 9 check (window_start_hour between 0 and 23),
  window_end_hour int not null default 20 check (window_end_hour between 1 and 24),
  frequency_cap_hours int check (frequency_cap_hours between 1 and 8760),
  created_by_id uuid,
  archived_at timestamptz,
  unique (organization_id, id)
);

create table sequence_versions (
  organization_id uuid not null,
  sequence_id uuid not null,
  version int not null,
  steps jsonb not null,
  created_at timestamptz not null default now(),
  primary key (sequence_id, version),
  foreign key (organization_id, sequence_id) references sequences (organization_id, id) on delete cascade
);

create table sequence_enrollments (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  sequence_id uuid not null,
  version int not null,
  lead_id uuid not null,
  status enrollment_status not null default 'ACTIVE',
  source text not null,
  enrolled_by_id uuid,
  rule_id uuid,
  current_step int,
  next_step_at timestamptz,
  exit_reason text,
  finished_at timestamptz,
  unique (organization_id, id),
  foreign key (organization_id, sequence_id) references sequences (organization_id, id) on delete cascade,
  foreign key (organization_id, lead_id) references leads (organization_id, id) on delete cascade
);
create unique index sequence_enrollments_one_active_idx on sequence_enrollments (sequence_id, lead_id)
  where status = 'ACTIVE';
create index sequence_enrollments_list_idx on sequence_enrollments (organization_id, sequence_id, status, created_at, id);
create index sequence_enrollments_lead_idx on sequence_enrollments (lead_id) where status = 'ACTIVE';

create table sequence_step_runs (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  enrollment_id uuid not null,
  sequence_id uuid not null,
  lead_id uuid not null,
  step_index int not null,
  kind text not null,
  status sequence_step_status not null default 'SCHEDULED',
  scheduled_for timestamptz not null,
  reason text,
  error text,
  message_id uuid,
  task_id uuid,
  sent_at timestamptz,
  unique (enrollment_id, step_index),
  foreign key (organization_id, enrollment_id) references sequence_enrollments (organization_id, id) on delete cascade
);
create index sequence_step_runs_due_idx on sequence_step_runs (scheduled_for) where status in ('SCHEDULED', 'SENDING');
create index sequence_step_runs_stats_idx on sequence_step_runs (organization_id, sequence_id, step_index, status);
create index sequence_step_runs_lead_sent_idx on sequence_step_runs (lead_id, sent_at) where sent_at is not null;

alter table sequences enable row level security;
alter table sequence_versions enable row level security;
alter table sequence_enrollments enable row level security;
alter table sequence_step_runs enable row level security;
create policy tenant_isolation on sequences
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());
create policy tenant_isolation on sequence_versions
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());
create policy tenant_isolation on sequence_enrollments
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());
create policy tenant_isolation on sequence_step_runs
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

-- Ends a lead's active enrollments whose sequence exits on the given condition.
create function sequence_exit(p_org uuid, p_lead uuid, p_reason text, p_at timestamptz) returns void
  language sql as $$
  with ended as (
    update sequence_enrollments e
       set status = 'EXITED', exit_reason = p_reason, finished_at = now(), current_step = null,
           next_step_at = null, updated_at = now()
      from sequences s
     where e.organization_id = p_org and e.lead_id = p_lead and e.status = 'ACTIVE' and e.created_at <= p_at
       and s.id = e.sequence_id
       and case p_reason
             when 'REPLIED' then s.exit_on_reply
             when 'OPTED_OUT' then s.exit_on_opt_out
             when 'LEAD_DEAD' then s.exit_on_dead
             when 'DEAL_CREATED' then s.exit_on_deal
             else false end
    returning e.id)
  update sequence_step_runs r set status = 'CANCELLED', reason = p_reason, updated_at = now()
    from ended where r.enrollment_id = ended.id and r.status = 'SCHEDULED'
$$;

create function sequence_exit_on_inbound() returns trigger language plpgsql as $$
begin
  if new.direction = 'INBOUND' and new.lead_id is not null and new.outcome is distinct from 'OPT_IN' then
    perform sequence_exit(new.organization_id, new.lead_id,
                          case when new.outcome = 'OPT_OUT' then 'OPTED_OUT' else 'REPLIED' end, new.occurred_at);
  end if;
  return null;
end $$;
create trigger activities_sequence_exit after insert on activities
  for each row when (new.direction = 'INBOUND') execute function sequence_exit_on_inbound();

create function sequence_exit_on_status() returns trigger language plpgsql as $$
begin
  if new.status = 'DEAD' then
    perform sequence_exit(new.organization_id, new.id, 'LEAD_DEAD', now());
  end if;
  with ended as (
    update sequence_enrollments e
       set status = 'EXITED', exit_reason = 'STATUS_' || new.status::text, finished_at = now(), current_step = null,
           next_step_at = null, updated_at = now()
      from sequences s
     where e.organization_id = new.organization_id and e.lead_id = new.id and e.status = 'ACTIVE'
       and s.id = e.sequence_id and new.status = any(s.exit_statuses)
    returning e.id)
  update sequence_step_runs r set status = 'CANCELLED', reason = 'STATUS_' || new.status::text, updated_at = now()
    from ended where r.enrollment_id = ended.id and r.status = 'SCHEDULED';
  return null;
end $$;
create trigger leads_sequence_exit after update of status on leads
  for each row when (old.status is distinct from new.status) execute function sequence_exit_on_status();

create function sequence_exit_on_deal() returns trigger language plpgsql as $$
begin
  if new.lead_id is not null then
    perform sequence_exit(new.organization_id, new.lead_id, 'DEAL_CREATED', now());
  end if;
  return null;
end $$;
create trigger deals_sequence_exit after insert on deals for each row execute function sequence_exit_on_deal();

create function sequence_exit_on_consent() returns trigger language plpgsql as $$
declare l record;
begin
  if new.status = 'OPTED_OUT' then
    for l in select id from leads
              where organization_id = new.organization_id
                and (case when new.channel = 'SMS' then phone else email end) = new.contact_point loop
      perform sequence_exit(new.organization_id, l.id, 'OPTED_OUT', new.recorded_at);
    end loop;
  end if;
  return null;
end $$;
create trigger consent_records_sequence_exit after insert on consent_records
  for each row when (new.status = 'OPTED_OUT') execute function sequence_exit_on_consent();

-- The outbox sweep (workers): steps due a while ago whose job is missing, across organizations.
create function app_sequence_steps_due(max_rows int, older_than interval)
  returns table (organization_id uuid, enrollment_id uuid, step_index int, scheduled_for timestamptz)
  language sql stable security definer set search_path = public as $$
  select r.organization_id, r.enrollment_id, r.step_index, r.scheduled_for
    from sequence_step_runs r
    join sequences s on s.id = r.sequence_id and s.status = 'ACTIVE'
   where r.status in ('SCHEDULED', 'SENDING') and r.scheduled_for < now() - older_than
   order by r.scheduled_for
   limit max_rows
$$;
revoke all on function app_sequence_steps_due(int, interval) from public;
`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop function if exists app_sequence_steps_due(int, interval);
drop trigger if exists consent_records_sequence_exit on consent_records;
drop trigger if exists deals_sequence_exit on deals;
drop trigger if exists leads_sequence_exit on leads;
drop trigger if exists activities_sequence_exit on activities;
drop function if exists sequence_exit_on_consent();
drop function if exists sequence_exit_on_deal();
drop function if exists sequence_exit_on_status();
drop function if exists sequence_exit_on_inbound();
drop function if exists sequence_exit(uuid, uuid, text, timestamptz);
drop table if exists sequence_step_runs, sequence_enrollments, sequence_versions, sequences;
drop type if exists sequence_step_status, enrollment_status, sequence_status;
`);
  }
}
