import { Migration } from '@mikro-orm/migrations';

/**
 * Analytics stage visits: one row per deal per entry into a stage (the stage-history row that
 * began it), with when it was left (the deal's next move) — what stage durations and stuck deals
 * read, instead of running a window over the whole stage history per request. Kept exact by
 * statement-level triggers on deal_stage_changes (and deal inserts) that recompute the visits of
 * every deal a statement touched.
 */
export class Migration20261203080000_analytics_stage_visits extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table analytics_stage_visits (
  id uuid primary key,
  organization_id uuid not null,
  deal_id uuid not null,
  lead_id uuid not null,
  stage deal_stage not null,
  entered_at timestamptz not null,
  left_at timestamptz,
  foreign key (organization_id, deal_id) references deals (organization_id, id) on delete cascade
);
create index analytics_stage_visits_entered_idx on analytics_stage_visits (organization_id, entered_at);
create index analytics_stage_visits_deal_idx on analytics_stage_visits (deal_id);
alter table analytics_stage_visits enable row level security;
create policy tenant_isolation on analytics_stage_visits
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

create function analytics_refresh_deals(ids uuid[]) returns void language sql as $$
  delete from analytics_stage_visits where deal_id = any(ids);
  insert into analytics_stage_visits (id, organization_id, deal_id, lead_id, stage, entered_at, left_at)
  select s.id, s.organization_id, s.deal_id, d.lead_id, s.to_stage, s.at,
         lead(s.at) over (partition by s.deal_id order by s.at, s.id)
    from deal_stage_changes s join deals d on d.id = s.deal_id
   where s.deal_id = any(ids);
$$;

create function analytics_visits_from_stage_changes() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    perform analytics_refresh_deals(array(select distinct deal_id from new_rows));
  elsif tg_op = 'DELETE' then
    perform analytics_refresh_deals(array(select distinct deal_id from old_rows));
  else
    perform analytics_refresh_deals(array(select deal_id from new_rows union select deal_id from old_rows));
  end if;
  return null;
end $$;
create trigger analytics_visits_ins after insert on deal_stage_changes
  referencing new table as new_rows for each statement execute function analytics_visits_from_stage_changes();
create trigger analytics_visits_upd after update on deal_stage_changes
  referencing new table as new_rows old table as old_rows
  for each statement execute function analytics_visits_from_stage_changes();
create trigger analytics_visits_del after delete on deal_stage_changes
  referencing old table as old_rows for each statement execute function analytics_visits_from_stage_changes();
-- A deal and its first stage-history row can be written in either order in one transaction (the
-- foreign key is deferred): a deal's insert refreshes its visits too.
create function analytics_visits_from_deals() returns trigger language plpgsql as $$
begin
  perform analytics_refresh_deals(array(select id from new_rows));
  return null;
end $$;
create trigger analytics_visits_deals_ins after insert on deals
  referencing new table as new_rows for each statement execute function analytics_visits_from_deals();

select analytics_refresh_deals(array(select id from deals));
`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop trigger if exists analytics_visits_ins on deal_stage_changes;
drop trigger if exists analytics_visits_upd on deal_stage_changes;
drop trigger if exists analytics_visits_del on deal_stage_changes;
drop trigger if exists analytics_visits_deals_ins on deals;
drop function if exists analytics_visits_from_stage_changes, analytics_visits_from_deals;
drop function if exists analytics_refresh_deals(uuid[]);
drop table if exists analytics_stage_visits;
`);
  }
}
