import { Migration } from '@mikro-orm/migrations';

/**
 * Integrations: API keys, signed outbound webhooks (Standard Webhooks) and public lead-intake forms.
 *
 * Webhook events are recorded by the database, in the transaction of the change, for every path that
 * makes it (mutations, imports, campaign batches, inbound SMS, rules, jobs): `webhook_emit` appends
 * to `webhook_events` only when the organization has an enabled endpoint subscribed to that type, and
 * NOTIFYs `webhook_events` on commit so a worker fans the event out to its endpoints at once (a sweep
 * catches what a missed NOTIFY leaves). The payload is built here from the row as it is at that
 * moment (`webhook_*_json`), so a retry or a replay sends the same bytes.
 *
 * `webhook_deliveries` is one row per (endpoint, event): its id is what a job names, its status the
 * outcome; `webhook_attempts` keeps every try (status code, latency, error, response excerpt).
 *
 * API keys and intake forms are found by a hash or a public key before any tenant scope exists:
 * `auth_api_key` and `intake_form_by_key` (security definer) read just that row.
 */
export class Migration20261206100000_integrations extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create type webhook_delivery_status as enum ('PENDING', 'RETRYING', 'SUCCEEDED', 'FAILED');
alter type notification_kind add value if not exists 'WEBHOOK_DISABLED';

create table api_keys (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  name text not null,
  role user_role not null,
  prefix text not null,
  key_hash text not null unique,
  created_by_id uuid not null references users (id),
  last_used_at timestamptz,
  expires_at timestamptz,
  revoked_at timestamptz
);
create index api_keys_org_idx on api_keys (organization_id, created_at);

create function auth_api_key(p_hash text)
  returns table (id uuid, organization_id uuid, role user_role, created_by_id uuid, expires_at timestamptz,
                 revoked_at timestamptz, creator_role user_role, creator_active boolean)
  language sql stable security definer set search_path = public, pg_temp as
  $$ select k.id, k.organization_id, k.role, k.created_by_id, k.expires_at, k.revoked_at, u.role,
            u.deactivated_at is null
       from api_keys k join users u on u.id = k.created_by_id
      where k.key_hash = p_hash $$;

create function auth_api_key_used(p_id uuid) returns void
  language sql volatile security definer set search_path = public, pg_temp as
  $$ update api_keys set last_used_at = now()
      where id = p_id and (last_used_at is null or last_used_at < now() - interval '1 minute') $$;

create table webhook_endpoints (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  url text not null,
  description text,
  event_types text[] not null,
  enabled boolean not null default true,
  disabled_reason text,
  secret text not null,
  previous_secret text,
  previous_secret_until timestamptz,
  failing_since timestamptz,
  created_by_id uuid,
  unique (organization_id, id)
);
create index webhook_endpoints_org_idx on webhook_endpoints (organization_id) where enabled;

create table webhook_events (
  id uuid primary key default gen_random_uuid(),
  seq bigint generated always as identity,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default clock_timestamp(),
  type text not null,
  data jsonb not null,
  -- sendTestWebhook: the one endpoint it is for
  endpoint_id uuid,
  dispatched_at timestamptz
);
create index webhook_events_pending_idx on webhook_events (organization_id, seq) where dispatched_at is null;

create table webhook_deliveries (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  endpoint_id uuid not null,
  event_id uuid not null references webhook_events (id) on delete cascade,
  status webhook_delivery_status not null default 'PENDING',
  attempts int not null default 0,
  next_attempt_at timestamptz,
  last_attempt_at timestamptz,
  last_status_code int,
  last_error text,
  succeeded_at timestamptz,
  replays int not null default 0,
  -- a try in flight: no other job sends this delivery until then
  locked_until timestamptz,
  unique (endpoint_id, event_id),
  foreign key (organization_id, endpoint_id) references webhook_endpoints (organization_id, id) on delete cascade
);
create index webhook_deliveries_endpoint_idx on webhook_deliveries (organization_id, endpoint_id, created_at desc, id desc);
create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at) where status in ('PENDING', 'RETRYING');

create table webhook_attempts (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  delivery_id uuid not null references webhook_deliveries (id) on delete cascade,
  attempt int not null,
  replay boolean not null default false,
  status_code int,
  latency_ms int not null,
  error text,
  response_excerpt text
);
create index webhook_attempts_delivery_idx on webhook_attempts (delivery_id, created_at, id);

create table intake_forms (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  name text not null,
  source lead_source not null,
  form_key text not null unique,
  field_mapping jsonb not null default '{}',
  consent_text text,
  assign_to_id uuid references users (id),
  rule_based boolean not null default false,
  redirect_url text,
  enabled boolean not null default true,
  created_by_id uuid not null references users (id),
  submissions int not null default 0,
  last_submission_at timestamptz
);
create index intake_forms_org_idx on intake_forms (organization_id, created_at);

-- The form a public key names (before any tenant scope exists).
create function intake_form_by_key(p_key text) returns setof intake_forms
  language sql stable security definer set search_path = public, pg_temp as
  $$ select * from intake_forms f where f.form_key = p_key $$;

-- One intake submission, checked and normalized by IntakeService, written in one statement (none
-- when the form is no longer enabled): a lock
-- on each contact point (two submissions of one person at once make one lead), then the lead found
-- by phone or email (blank fields filled) or created, consent for each point given, and a timeline
-- entry when there is one to write — the lead before its timeline entry, whose triggers keep
-- counters on the lead row. Runs as the caller, under row-level security.
create function intake_submit(p_form uuid, p_org uuid, p_source lead_source, p_first text, p_last text,
                              p_email text, p_phone text, p_motivation text, p_property uuid, p_assign uuid,
                              p_consent boolean, p_evidence text, p_note_new text, p_note_repeat text)
  returns table (lead_id uuid, created boolean, property_id uuid, assigned_user_id uuid)
  language plpgsql volatile as $$
#variable_conflict use_column
declare
  v_lead uuid;
  v_property uuid;
  v_assigned uuid;
begin
  -- A form disabled or deleted since the caller read it: nothing is written, no row comes back.
  if not exists (select 1 from intake_forms f where f.id = p_form and f.enabled) then return; end if;
  perform pg_advisory_xact_lock(hashtextextended(p_org || ':' || p, 0))
     from unnest(array_remove(array[p_email, p_phone], null)) p order by p;
  select l.id into v_lead from leads l
   where l.organization_id = p_org and ((p_phone is not null and l.phone = p_phone)
                                        or (p_email is not null and l.email = p_email))
   order by l.created_at limit 1;
  created := v_lead is null;
  if created then
    v_lead := gen_random_uuid();
    insert into leads (id, organization_id, first_name, last_name, email, phone, source, motivation, property_id,
                       assigned_user_id)
    values (v_lead, p_org, p_first, p_last, p_email, p_phone, p_source, p_motivation, p_property,
            (select u.id from users u where u.id = p_assign and u.deactivated_at is null))
    returning property_id, assigned_user_id into v_property, v_assigned;
  else
    update leads l set email = coalesce(l.email, p_email), phone = coalesce(l.phone, p_phone),
                       property_id = coalesce(l.property_id, p_property), updated_at = now()
     where l.id = v_lead returning l.property_id, l.assigned_user_id into v_property, v_assigned;
  end if;
  if p_consent then
    insert into consent_records (id, organization_id, channel, contact_point, status, source, evidence, recorded_at)
    select gen_random_uuid(), p_org, c.channel::message_channel, c.point, 'OPTED_IN', 'WEB_FORM', p_evidence, now()
      from (values ('SMS', p_phone), ('EMAIL', p_email)) c (channel, point) where c.point is not null;
  end if;
  if (case when created then p_note_new else p_note_repeat end) is not null then
    insert into activities (id, organization_id, lead_id, type, direction, body, occurred_at)
    values (gen_random_uuid(), p_org, v_lead, 'NOTE', case when created then 'INTERNAL' else 'INBOUND' end::activity_direction,
            case when created then p_note_new else p_note_repeat end, now());
  end if;
  -- Last, so the form's row is locked only for the commit.
  update intake_forms f set submissions = f.submissions + 1, last_submission_at = now() where f.id = p_form;
  lead_id := v_lead;
  property_id := v_property;
  assigned_user_id := v_assigned;
  return next;
end $$;

alter table api_keys enable row level security;
alter table webhook_endpoints enable row level security;
alter table webhook_events enable row level security;
alter table webhook_deliveries enable row level security;
alter table webhook_attempts enable row level security;
alter table intake_forms enable row level security;
create policy tenant_isolation on api_keys
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());
create policy tenant_isolation on webhook_endpoints
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());
create policy tenant_isolation on webhook_events
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());
create policy tenant_isolation on webhook_deliveries
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());
create policy tenant_isolation on webhook_attempts
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());
create policy tenant_isolation on intake_forms
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

-- Organizations with events waiting longer than older_than (a NOTIFY was missed), and deliveries
-- whose next try is overdue by as much (their job was lost): the worker's sweep.
create function app_webhook_sweep(older_than interval)
  returns table (organization_id uuid, delivery_id uuid, attempts int)
  language sql stable security definer set search_path = public as $$
  select distinct e.organization_id, null::uuid, null::int from webhook_events e
   where e.dispatched_at is null and e.created_at < now() - older_than
  union all
  (select d.organization_id, d.id, d.attempts from webhook_deliveries d
    where d.status in ('PENDING', 'RETRYING') and d.next_attempt_at < now() - older_than
      and (d.locked_until is null or d.locked_until < now())
    order by d.next_attempt_at limit 1000) $$;
revoke all on function app_webhook_sweep(interval) from public;

create function webhook_ts(t timestamptz) returns text language sql immutable as
  $$ select to_char(t at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;

-- Whether any enabled endpoint of the organization could want an event (the triggers' first, cheap test).
create function webhook_listening(p_org uuid) returns boolean language sql stable as
  $$ select exists (select 1 from webhook_endpoints e where e.organization_id = p_org and e.enabled) $$;

create function webhook_emit(p_org uuid, p_type text, p_data jsonb) returns void language plpgsql as $$
begin
  if exists (select 1 from webhook_endpoints e
              where e.organization_id = p_org and e.enabled
                and (p_type = any (e.event_types) or '*' = any (e.event_types))) then
    insert into webhook_events (organization_id, type, data) values (p_org, p_type, p_data);
    perform pg_notify('webhook_events', p_org::text);
  end if;
end $$;

create function webhook_lead_json(l leads) returns jsonb language sql stable as $$
  select jsonb_build_object('id', l.id, 'firstName', l.first_name, 'lastName', l.last_name, 'email', l.email,
    'phone', l.phone, 'source', l.source, 'status', l.status, 'motivation', l.motivation,
    'propertyId', l.property_id, 'assignedUserId', l.assigned_user_id,
    'createdAt', webhook_ts(l.created_at), 'updatedAt', webhook_ts(l.updated_at)) $$;

create function webhook_deal_json(d deals) returns jsonb language sql stable as $$
  select jsonb_build_object('id', d.id, 'title', d.title, 'leadId', d.lead_id, 'propertyId', d.property_id,
    'stage', d.stage, 'offerAmount', d.offer_amount, 'contractPrice', d.contract_price,
    'assignmentFee', d.assignment_fee, 'expectedCloseDate', d.expected_close_date, 'lostReason', d.lost_reason,
    'assignedUserId', d.assigned_user_id, 'stageChangedAt', webhook_ts(d.stage_changed_at),
    'createdAt', webhook_ts(d.created_at), 'updatedAt', webhook_ts(d.updated_at)) $$;

create function webhook_task_json(t tasks) returns jsonb language sql stable as $$
  select jsonb_build_object('id', t.id, 'title', t.title, 'notes', t.notes, 'type', t.type,
    'priority', t.priority, 'status', t.status, 'dueAt', webhook_ts(t.due_at), 'assigneeId', t.assignee_id,
    'leadId', t.lead_id, 'dealId', t.deal_id, 'propertyId', t.property_id,
    'completedAt', webhook_ts(t.completed_at), 'completedById', t.completed_by_id,
    'createdById', t.created_by_id, 'createdAt', webhook_ts(t.created_at)) $$;

-- Which of the named columns differ between two rows, by their camelCase names.
create function webhook_changes(a jsonb, b jsonb, cols text[]) returns jsonb language sql immutable as $$
  select coalesce(jsonb_agg(c order by c), '[]') from unnest(cols) c where a -> c is distinct from b -> c $$;

create function webhook_on_lead() returns trigger language plpgsql as $$
declare
  changes jsonb;
begin
  if not webhook_listening(coalesce(new.organization_id, old.organization_id)) then return null; end if;
  if tg_op = 'INSERT' then
    perform webhook_emit(new.organization_id, 'lead.created', jsonb_build_object('lead', webhook_lead_json(new)));
    return null;
  end if;
  changes := webhook_changes(webhook_lead_json(old), webhook_lead_json(new),
    array['firstName', 'lastName', 'email', 'phone', 'source', 'status', 'motivation', 'propertyId']);
  if jsonb_array_length(changes) > 0 then
    perform webhook_emit(new.organization_id, 'lead.updated',
      jsonb_build_object('lead', webhook_lead_json(new), 'changes', changes));
  end if;
  if new.assigned_user_id is distinct from old.assigned_user_id then
    perform webhook_emit(new.organization_id, 'lead.assigned',
      jsonb_build_object('lead', webhook_lead_json(new), 'previousAssignedUserId', old.assigned_user_id));
  end if;
  return null;
end $$;
create trigger leads_webhooks after insert or update of first_name, last_name, email, phone, source, status,
  motivation, property_id, assigned_user_id on leads for each row execute function webhook_on_lead();

create function webhook_on_deal() returns trigger language plpgsql as $$
declare
  changes jsonb;
begin
  if not webhook_listening(coalesce(new.organization_id, old.organization_id)) then return null; end if;
  if tg_op = 'INSERT' then
    perform webhook_emit(new.organization_id, 'deal.created', jsonb_build_object('deal', webhook_deal_json(new)));
    return null;
  end if;
  if new.stage is distinct from old.stage then
    perform webhook_emit(new.organization_id, 'deal.moved',
      jsonb_build_object('deal', webhook_deal_json(new), 'fromStage', old.stage, 'toStage', new.stage));
  end if;
  changes := webhook_changes(webhook_deal_json(old), webhook_deal_json(new),
    array['title', 'propertyId', 'offerAmount', 'contractPrice', 'assignmentFee', 'expectedCloseDate',
          'lostReason', 'assignedUserId']);
  if jsonb_array_length(changes) > 0 then
    perform webhook_emit(new.organization_id, 'deal.updated',
      jsonb_build_object('deal', webhook_deal_json(new), 'changes', changes));
  end if;
  return null;
end $$;
create trigger deals_webhooks after insert or update on deals
  for each row execute function webhook_on_deal();

create function webhook_on_activity() returns trigger language plpgsql as $$
begin
  if not webhook_listening(coalesce(new.organization_id, old.organization_id)) then return null; end if;
  perform webhook_emit(new.organization_id, 'activity.logged', jsonb_build_object('activity', jsonb_build_object(
    'id', new.id, 'leadId', new.lead_id, 'type', new.type, 'direction', new.direction, 'body', new.body,
    'outcome', new.outcome, 'occurredAt', webhook_ts(new.occurred_at), 'userId', new.user_id,
    'createdAt', webhook_ts(new.created_at))));
  return null;
end $$;
create trigger activities_webhooks after insert on activities
  for each row execute function webhook_on_activity();

create function webhook_on_task() returns trigger language plpgsql as $$
declare
  changes jsonb;
begin
  if not webhook_listening(coalesce(new.organization_id, old.organization_id)) then return null; end if;
  if tg_op = 'INSERT' then
    perform webhook_emit(new.organization_id, 'task.created', jsonb_build_object('task', webhook_task_json(new)));
  elsif tg_op = 'DELETE' then
    perform webhook_emit(old.organization_id, 'task.deleted', jsonb_build_object('task', webhook_task_json(old)));
    return null;
  elsif new.status = 'DONE' and old.status is distinct from 'DONE' then
    perform webhook_emit(new.organization_id, 'task.completed', jsonb_build_object('task', webhook_task_json(new)));
  else
    changes := webhook_changes(webhook_task_json(old), webhook_task_json(new),
      array['title', 'notes', 'type', 'priority', 'status', 'dueAt', 'assigneeId', 'leadId', 'dealId']);
    if jsonb_array_length(changes) > 0 then
      perform webhook_emit(new.organization_id, 'task.updated',
        jsonb_build_object('task', webhook_task_json(new), 'changes', changes));
    end if;
  end if;
  return null;
end $$;
create trigger tasks_webhooks after insert or update or delete on tasks
  for each row execute function webhook_on_task();

create function webhook_on_inbound() returns trigger language plpgsql as $$
begin
  if not webhook_listening(coalesce(new.organization_id, old.organization_id)) then return null; end if;
  perform webhook_emit(new.organization_id, 'message.received', jsonb_build_object('message', jsonb_build_object(
    'id', new.id, 'channel', new.channel, 'from', new.from_address, 'to', new.to_address, 'body', new.body,
    'kind', new.kind, 'leadId', new.lead_id, 'receivedAt', webhook_ts(new.received_at))));
  return null;
end $$;
create trigger inbound_messages_webhooks after insert on inbound_messages
  for each row execute function webhook_on_inbound();

create function webhook_on_campaign() returns trigger language plpgsql as $$
begin
  if not webhook_listening(coalesce(new.organization_id, old.organization_id)) then return null; end if;
  if new.status = 'COMPLETED' and old.status is distinct from 'COMPLETED' then
    perform webhook_emit(new.organization_id, 'campaign.completed', jsonb_build_object('campaign', jsonb_build_object(
      'id', new.id, 'name', new.name, 'channel', new.channel, 'launchedAt', webhook_ts(new.launched_at),
      'completedAt', webhook_ts(new.completed_at),
      'recipients', (select coalesce(jsonb_object_agg(s.status, s.n), '{}')
                       from (select r.status, count(*) as n from campaign_recipients r
                              where r.campaign_id = new.id group by r.status) s))));
  end if;
  return null;
end $$;
create trigger campaigns_webhooks after update of status on campaigns
  for each row execute function webhook_on_campaign();

create function webhook_on_import() returns trigger language plpgsql as $$
begin
  if not webhook_listening(coalesce(new.organization_id, old.organization_id)) then return null; end if;
  if new.status in ('COMPLETED', 'FAILED') and old.status is distinct from new.status then
    perform webhook_emit(new.organization_id, 'import.completed', jsonb_build_object('import', jsonb_build_object(
      'id', new.id, 'kind', new.kind, 'status', new.status, 'fileName', new.file_name,
      'rowsTotal', new.rows_total, 'rowsImported', new.rows_imported, 'rowsDuplicate', new.rows_duplicate,
      'rowsInvalid', new.rows_invalid, 'error', new.error, 'completedAt', webhook_ts(new.completed_at))));
  end if;
  return null;
end $$;
create trigger imports_webhooks after update of status on imports
  for each row execute function webhook_on_import();

create function webhook_on_memo() returns trigger language plpgsql as $$
begin
  if not webhook_listening(coalesce(new.organization_id, old.organization_id)) then return null; end if;
  if new.status in ('READY', 'FAILED') and old.status is distinct from new.status then
    perform webhook_emit(new.organization_id, case new.status when 'READY' then 'memo.ready' else 'memo.failed' end,
      jsonb_build_object('memo', jsonb_build_object('id', new.id, 'dealId', new.deal_id,
        'underwritingId', new.underwriting_id, 'status', new.status, 'sha256', new.sha256,
        'sizeBytes', new.size_bytes, 'readyAt', webhook_ts(new.ready_at), 'error', new.error)));
  end if;
  return null;
end $$;
create trigger memos_webhooks after update of status on memos
  for each row execute function webhook_on_memo();
`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop trigger if exists leads_webhooks on leads;
drop trigger if exists deals_webhooks on deals;
drop trigger if exists activities_webhooks on activities;
drop trigger if exists tasks_webhooks on tasks;
drop trigger if exists inbound_messages_webhooks on inbound_messages;
drop trigger if exists campaigns_webhooks on campaigns;
drop trigger if exists imports_webhooks on imports;
drop trigger if exists memos_webhooks on memos;
drop table if exists webhook_attempts, webhook_deliveries, webhook_events, webhook_endpoints, api_keys, intake_forms;
drop function if exists webhook_emit, webhook_lead_json, webhook_deal_json, webhook_task_json, webhook_changes,
  webhook_on_lead, webhook_on_deal, webhook_on_activity, webhook_on_task, webhook_on_inbound, webhook_on_campaign,
  webhook_on_import, webhook_on_memo, webhook_ts, webhook_listening, intake_submit, app_webhook_sweep, auth_api_key,
  auth_api_key_used,
  intake_form_by_key;
drop type if exists webhook_delivery_status;
`);
  }
}
