import { Migration } from '@mikro-orm/migrations';

/**
 * A per-organization change log for caching analytics answers exactly. Every statement that can
 * move a number (leads, activities, deals, stage history, underwritings, spend, campaign
 * recipients, property tags, users, the organization's time zone) appends one row per organization
 * it touched — append-only, so writers never wait on each other. A reader's version is the count
 * and the highest id of its organization's rows, as its snapshot sees them: a later commit adds a
 * row (a higher id, or a lower one that commits late — the count still moves), and the analytics
 * fold, which deletes folded rows, adds a row of its own in the same statement, so a version never
 * comes back. An answer cached under a version is the answer for every reader that sees the same.
 */
export class Migration20261203100000_analytics_changes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table analytics_changes (
  id bigint generated always as identity primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred
);
-- Like every other foreign key here, checked at commit: an organization's rows may be written before it
-- (the seed writes its users first).
alter table analytics_activity_daily
  alter constraint analytics_activity_daily_organization_id_fkey deferrable initially deferred;
alter table analytics_activity_deltas
  alter constraint analytics_activity_deltas_organization_id_fkey deferrable initially deferred;
create index analytics_changes_org_idx on analytics_changes (organization_id, id);
alter table analytics_changes enable row level security;
create policy tenant_isolation on analytics_changes
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

create function analytics_changed_new() returns trigger language plpgsql as $$
begin
  insert into analytics_changes (organization_id) select distinct organization_id from new_rows;
  return null;
end $$;
create function analytics_changed_old() returns trigger language plpgsql as $$
begin
  insert into analytics_changes (organization_id) select distinct organization_id from old_rows;
  return null;
end $$;
create function analytics_changed_org() returns trigger language plpgsql as $$
begin
  insert into analytics_changes (organization_id) values (new.id);
  return null;
end $$;

do $$
declare t text;
begin
  foreach t in array array['leads', 'activities', 'deals', 'deal_stage_changes', 'underwritings', 'marketing_spend',
                           'campaign_recipients', 'properties', 'users'] loop
    execute format('create trigger analytics_changes_ins after insert on %I referencing new table as new_rows
                      for each statement execute function analytics_changed_new()', t);
    execute format('create trigger analytics_changes_upd after update on %I referencing new table as new_rows
                      for each statement execute function analytics_changed_new()', t);
    execute format('create trigger analytics_changes_del after delete on %I referencing old table as old_rows
                      for each statement execute function analytics_changed_old()', t);
  end loop;
end $$;
create trigger analytics_changes_tz after update of time_zone on organizations
  for each row when (old.time_zone is distinct from new.time_zone) execute function analytics_changed_org();

-- Stuck deals: the open deals of one stage that have sat there longest.
create index deals_stage_since_idx on deals (organization_id, stage, stage_changed_at, id);

-- The fold also trims the change log, leaving a row of its own (see the comment above).
create or replace function analytics_compact(org uuid) returns integer language plpgsql as $$
declare folded integer;
begin
  perform pg_advisory_xact_lock(hashtext('analytics_compact:' || org::text));
  with d as (delete from analytics_activity_deltas where organization_id = org returning *),
       g as (select organization_id, day, source, lead_user_id, user_id, type, sum(n)::bigint as n, count(*) as rows
               from d group by 1, 2, 3, 4, 5, 6),
       up as (insert into analytics_activity_daily as r (organization_id, day, source, lead_user_id, user_id, type, n)
              select organization_id, day, source, lead_user_id, user_id, type, n from g
               order by day, source, lead_user_id, user_id, type
              on conflict (organization_id, day, source, lead_user_id, user_id, type)
              do update set n = r.n + excluded.n)
  select coalesce(sum(rows), 0) into folded from g;
  delete from analytics_changes where organization_id = org;
  insert into analytics_changes (organization_id) values (org);
  return folded;
end $$;
`);
  }

  override async down(): Promise<void> {
    this.addSql(`
do $$
declare t text;
begin
  foreach t in array array['leads', 'activities', 'deals', 'deal_stage_changes', 'underwritings', 'marketing_spend',
                           'campaign_recipients', 'properties', 'users'] loop
    execute format('drop trigger if exists analytics_changes_ins on %I', t);
    execute format('drop trigger if exists analytics_changes_upd on %I', t);
    execute format('drop trigger if exists analytics_changes_del on %I', t);
  end loop;
end $$;
drop trigger if exists analytics_changes_tz on organizations;
drop function if exists analytics_changed_new, analytics_changed_old, analytics_changed_org;
drop table if exists analytics_changes;
drop index if exists deals_stage_since_idx;
`);
  }
}
