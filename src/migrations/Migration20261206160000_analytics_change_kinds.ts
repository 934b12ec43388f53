import { Migration } from '@mikro-orm/migrations';

/**
 * Change kinds, so a cached analytics section is recomputed only after changes that can move it.
 * Each change row now names the table that changed (`kind`); a section's version is made of the
 * versions of the kinds it reads (AnalyticsService, SECTION_TABLES). Rows from before (kind '')
 * and time-zone changes ('organizations') move every section.
 *
 * Leads count as changed only when a column analytics reads changes: logging an activity also
 * updates its lead's `last_*_at` columns (leads_touch_activity), which moved every section before.
 */
export class Migration20261206160000_analytics_change_kinds extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table analytics_changes add column kind text not null default '';

create or replace function analytics_changed_new() returns trigger language plpgsql as $$
begin
  insert into analytics_changes (organization_id, kind) select distinct organization_id, tg_table_name from new_rows;
  return null;
end $$;
create or replace function analytics_changed_old() returns trigger language plpgsql as $$
begin
  insert into analytics_changes (organization_id, kind) select distinct organization_id, tg_table_name from old_rows;
  return null;
end $$;
create or replace function analytics_changed_org() returns trigger language plpgsql as $$
begin
  insert into analytics_changes (organization_id, kind) values (new.id, 'organizations');
  return null;
end $$;

-- What analytics reads of a lead (its facts, and the filters by source, assignee and property).
create function analytics_changed_leads() returns trigger language plpgsql as $$
begin
  insert into analytics_changes (organization_id, kind)
  select distinct n.organization_id, 'leads' from new_rows n join old_rows o on o.id = n.id
   where (n.organization_id, n.created_at, n.source, n.status, n.assigned_user_id, n.property_id)
         is distinct from (o.organization_id, o.created_at, o.source, o.status, o.assigned_user_id, o.property_id);
  return null;
end $$;
drop trigger analytics_changes_upd on leads;
create trigger analytics_changes_upd after update on leads referencing old table as old_rows new table as new_rows
  for each statement execute function analytics_changed_leads();

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
  -- One row in place of each kind's rows: every section depending on a folded kind gets a new
  -- version (the answers are the same, deltas now in the rollup); the others keep theirs.
  with gone as (delete from analytics_changes where organization_id = org returning kind)
  insert into analytics_changes (organization_id, kind) select distinct org, kind from gone;
  return folded;
end $$;
`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop trigger analytics_changes_upd on leads;
create trigger analytics_changes_upd after update on leads referencing new table as new_rows
  for each statement execute function analytics_changed_new();
drop function analytics_changed_leads();
create or replace function analytics_changed_new() returns trigger language plpgsql as $$
begin
  insert into analytics_changes (organization_id) select distinct organization_id from new_rows;
  return null;
end $$;
create or replace function analytics_changed_old() returns trigger language plpgsql as $$
begin
  insert into analytics_changes (organization_id) select distinct organization_id from old_rows;
  return null;
end $$;
create or replace function analytics_changed_org() returns trigger language plpgsql as $$
begin
  insert into analytics_changes (organization_id) values (new.id);
  return null;
end $$;
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
alter table analytics_changes drop column kind;
`);
  }
}
