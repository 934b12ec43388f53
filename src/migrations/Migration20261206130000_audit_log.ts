import { Migration } from '@mikro-orm/migrations';

/** Tables whose rows people change through mutations: each change is in the audit log. */
const AUDITED = [
  'organizations',
  'users',
  'invitations',
  'api_keys',
  'properties',
  'leads',
  'activities',
  'deals',
  'tasks',
  'underwritings',
  'message_templates',
  'campaigns',
  'sequences',
  'automation_rules',
  'webhook_endpoints',
  'intake_forms',
  'marketing_spend',
  'do_not_contact',
  'suppressions',
  'share_links',
];

/**
 * The audit log: one row per changed row of an audited table, appended by a trigger in the
 * transaction of the change — who (user, API key), what (table, id, changed fields with before and
 * after; hashes, secrets, tokens and passwords redacted), when, from where (address, user agent,
 * request id) and by which mutation. The trigger records only while `app.audit` is set, which the
 * platform does for the connections a GraphQL mutation uses (src/platform/tenancy): jobs, imports
 * and sends are not people's edits and are not logged. Append-only for the app role (the grants in
 * src/platform/db/bootstrap.ts); `audit_prune` (security definer) deletes what is older than each
 * organization's `audit_retention_days`.
 */
export class Migration20261206130000_audit_log extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table organizations add column audit_retention_days integer not null default 365
  check (audit_retention_days between 1 and 3650);

create table audit_log (
  id bigint generated always as identity primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  at timestamptz not null default now(),
  actor_user_id uuid,
  api_key_id uuid,
  ip text,
  user_agent text,
  request_id text,
  operation text not null,
  entity text not null,
  entity_id text not null,
  action text not null check (action in ('CREATED', 'UPDATED', 'DELETED')),
  changes jsonb not null
);
create index audit_log_org_idx on audit_log (organization_id, id desc);
create index audit_log_entity_idx on audit_log (organization_id, entity, entity_id, id desc);
create index audit_log_actor_idx on audit_log (organization_id, actor_user_id, id desc);
create index audit_log_at_idx on audit_log (at);
alter table audit_log enable row level security;
create policy tenant_isolation on audit_log
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

create function audit_redact(p_key text, p_value jsonb) returns jsonb language sql immutable as
  $$ select case when p_value is not null and p_key ~* '(^|_)(hash|secret|password|token|ciphertext)$'
                 then to_jsonb('[redacted]'::text) else p_value end $$;

create function audit_row() returns trigger language plpgsql as $$
declare
  ctx jsonb := nullif(current_setting('app.audit', true), '')::jsonb;
  old_row jsonb := case when tg_op <> 'INSERT' then to_jsonb(old) end;
  new_row jsonb := case when tg_op <> 'DELETE' then to_jsonb(new) end;
  any_row jsonb := coalesce(new_row, old_row);
  diff jsonb;
begin
  if ctx is null then return null; end if;
  select coalesce(jsonb_object_agg(k, jsonb_build_object('before', audit_redact(k, old_row -> k),
                                                          'after', audit_redact(k, new_row -> k))), '{}')
    into diff
    from jsonb_object_keys(any_row) as k
   where k not in ('id', 'organization_id', 'created_at', 'updated_at')
     and (old_row -> k) is distinct from (new_row -> k);
  if tg_op = 'UPDATE' and diff = '{}' then return null; end if;
  insert into audit_log (organization_id, actor_user_id, api_key_id, ip, user_agent, request_id, operation,
                         entity, entity_id, action, changes)
  values (coalesce((any_row ->> 'organization_id')::uuid, (any_row ->> 'id')::uuid),
          nullif(ctx ->> 'userId', '')::uuid, nullif(ctx ->> 'apiKeyId', '')::uuid,
          ctx ->> 'ip', ctx ->> 'userAgent', ctx ->> 'requestId', coalesce(ctx ->> 'operation', ''),
          tg_table_name, any_row ->> 'id',
          case tg_op when 'INSERT' then 'CREATED' when 'UPDATE' then 'UPDATED' else 'DELETED' end, diff);
  return null;
end $$;

${AUDITED.map(
  (t) => `create trigger ${t}_audit after insert or update or delete on ${t}
  for each row when (current_setting('app.audit', true) <> '') execute function audit_row();`,
).join('\n')}

create function audit_prune() returns bigint
  language sql security definer set search_path = public, pg_temp as
  $$ with gone as (
       delete from audit_log a using organizations o
        where a.organization_id = o.id and a.at < now() - make_interval(days => o.audit_retention_days)
       returning 1)
     select count(*) from gone $$;
`);
  }

  override async down(): Promise<void> {
    this.addSql(`
${AUDITED.map((t) => `drop trigger if exists ${t}_audit on ${t};`).join('\n')}
drop function if exists audit_prune();
drop function if exists audit_row();
drop function if exists audit_redact(text, jsonb);
drop table if exists audit_log;
alter table organizations drop column if exists audit_retention_days;`);
  }
}
