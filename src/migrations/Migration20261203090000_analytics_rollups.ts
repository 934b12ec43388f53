import { Migration } from '@mikro-orm/migrations';

/**
 * The rest of what the dashboard reads, so no section scans raw rows:
 *
 * - `analytics_deal_facts`, one row per deal: when it first reached an appointment, an offer, a
 *   contract and a win, when it was won (its last move to CLOSED_WON while it is still won), its
 *   revenue and where that comes from. Recomputed with the deal's stage visits
 *   (`analytics_refresh_deals`) by triggers on deals, stage history and underwritings.
 * - Stage visits gain who made the move and whether it was a move (not the deal's first stage).
 * - `analytics_activity_daily`: activities per local day of the organization, lead source, lead
 *   assignee, actor and type. Writes never touch it: statement triggers append signed counts to
 *   `analytics_activity_deltas` (an insert adds, a delete subtracts, a lead's new source or assignee
 *   moves its activities), so concurrent writers never wait on a shared counter row; the per-
 *   organization analytics job folds the deltas in (`analytics_compact`). Readers add both tables,
 *   so a number is exact at any moment, folded or not.
 */
export class Migration20261203090000_analytics_rollups extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table analytics_deal_facts (
  deal_id uuid primary key,
  organization_id uuid not null,
  lead_id uuid not null,
  assigned_user_id uuid,
  stage deal_stage not null,
  created_at timestamptz not null,
  appointment_at timestamptz,
  offer_at timestamptz,
  contract_at timestamptz,
  first_won_at timestamptz,
  won_at timestamptz,
  revenue numeric(14, 2),
  revenue_basis text not null,
  stages_passed deal_stage[] not null,
  foreign key (organization_id, deal_id) references deals (organization_id, id) on delete cascade
);
create index analytics_deal_facts_created_idx on analytics_deal_facts (organization_id, created_at);
create index analytics_deal_facts_lead_idx on analytics_deal_facts (lead_id);
create index analytics_deal_facts_stage_idx on analytics_deal_facts (organization_id, stage);
create index analytics_lead_facts_contacted_idx on analytics_lead_facts (organization_id, contacted_at)
  where contacted_at is not null;
create index analytics_deal_facts_appointment_idx on analytics_deal_facts (organization_id, appointment_at)
  where appointment_at is not null;
create index analytics_deal_facts_offer_idx on analytics_deal_facts (organization_id, offer_at)
  where offer_at is not null;
create index analytics_deal_facts_contract_idx on analytics_deal_facts (organization_id, contract_at)
  where contract_at is not null;
create index analytics_deal_facts_first_won_idx on analytics_deal_facts (organization_id, first_won_at)
  where first_won_at is not null;
create index analytics_deal_facts_won_idx on analytics_deal_facts (organization_id, won_at) where won_at is not null;
alter table analytics_deal_facts enable row level security;
create policy tenant_isolation on analytics_deal_facts
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

alter table analytics_stage_visits add column by_user_id uuid, add column moved boolean not null default false;

create or replace function analytics_refresh_deals(ids uuid[]) returns void language sql as $$
  delete from analytics_stage_visits where deal_id in (select unnest(ids));
  insert into analytics_stage_visits (id, organization_id, deal_id, lead_id, stage, entered_at, left_at, by_user_id,
                                      moved)
  select s.id, s.organization_id, s.deal_id, d.lead_id, s.to_stage, s.at,
         lead(s.at) over (partition by s.deal_id order by s.at, s.id), s.by_user_id, s.from_stage is not null
    from deals d join deal_stage_changes s on s.organization_id = d.organization_id and s.deal_id = d.id
   where d.id in (select unnest(ids));
  delete from analytics_deal_facts where deal_id in (select unnest(ids));
  insert into analytics_deal_facts (deal_id, organization_id, lead_id, assigned_user_id, stage, created_at,
                                    appointment_at, offer_at, contract_at, first_won_at, won_at, revenue,
                                    revenue_basis, stages_passed)
  select d.id, d.organization_id, d.lead_id, d.assigned_user_id, d.stage, d.created_at,
         st.appointment_at, st.offer_at, st.contract_at, st.first_won_at,
         case when d.stage = 'CLOSED_WON' then st.last_won_at end,
         case when d.stage = 'CLOSED_WON' then
           case when d.assignment_fee > 0 then d.assignment_fee
                when d.contract_price is not null and uw.all_in is not null then d.contract_price - uw.all_in end
         end,
         case when d.assignment_fee > 0 then 'ASSIGNMENT_FEE'
              when d.contract_price is not null and uw.all_in is not null then 'CONTRACT_MINUS_UNDERWRITING'
              else 'UNKNOWN' end,
         coalesce(st.stages_passed, '{}')
    from deals d
    left join lateral (
      select min(s.at) filter (where s.to_stage in ('APPOINTMENT_SET', 'OFFER_MADE', 'NEGOTIATION', 'UNDER_CONTRACT',
                                                    'CLOSED_WON')) as appointment_at,
             min(s.at) filter (where s.to_stage in ('OFFER_MADE', 'NEGOTIATION', 'UNDER_CONTRACT', 'CLOSED_WON'))
               as offer_at,
             min(s.at) filter (where s.to_stage in ('UNDER_CONTRACT', 'CLOSED_WON')) as contract_at,
             min(s.at) filter (where s.to_stage = 'CLOSED_WON') as first_won_at,
             max(s.at) filter (where s.to_stage = 'CLOSED_WON') as last_won_at,
             array_agg(distinct s.to_stage) as stages_passed
        from deal_stage_changes s where s.organization_id = d.organization_id and s.deal_id = d.id) st on true
    left join lateral (
      select coalesce((u.outputs->>'totalCost')::numeric, (u.outputs->>'allInCost')::numeric) as all_in
        from underwritings u where u.organization_id = d.organization_id and u.deal_id = d.id
       order by u.version desc limit 1) uw on true
   where d.id in (select unnest(ids));
$$;

-- Minutes between two instants inside business hours (Monday–Friday, 9:00–17:00 in the time zone),
-- as src/domains/analytics/business-time.ts counts them (tests/unit/analytics-time.test.ts holds both to it).
create function business_minutes(a timestamptz, b timestamptz, tz text) returns double precision
language sql stable parallel safe as $$
  select coalesce(sum(greatest(0, extract(epoch from least(b, (d + time '17:00') at time zone tz)
                                                - greatest(a, (d + time '09:00') at time zone tz)) / 60)), 0)::float8
    from (select (a at time zone tz)::date + i as d
            from generate_series(0, least(4000, (b at time zone tz)::date - (a at time zone tz)::date)) as i) days
   where b > a and extract(isodow from d) < 6
$$;

alter table analytics_lead_facts add column first_response_minutes double precision;

-- A large array (a rebuild, a migration) is joined, not searched per row; each lead's first response
-- in business minutes of its organization's time zone is kept with its facts.
create or replace function analytics_refresh_leads(ids uuid[]) returns void language sql as $$
  insert into analytics_lead_facts as f (lead_id, organization_id, created_at, source, status, assigned_user_id,
                                         property_id, contacted_at, deal_at, appointment_at, offer_at, contract_at,
                                         won_at, first_response_minutes)
  select l.id, l.organization_id, l.created_at, l.source, l.status, l.assigned_user_id, l.property_id,
         c.contacted_at,
         (select min(d.created_at) from deals d where d.organization_id = l.organization_id and d.lead_id = l.id),
         st.appointment_at, st.offer_at, st.contract_at, st.won_at,
         case when c.contacted_at is not null then business_minutes(l.created_at, c.contacted_at, o.time_zone) end
    from leads l
    join organizations o on o.id = l.organization_id
    left join lateral (
      select min(a.occurred_at) as contacted_at from activities a
       where a.organization_id = l.organization_id and a.lead_id = l.id
         and a.direction = 'OUTBOUND' and a.type <> 'NOTE') c on true
    left join lateral (
      select min(s.at) filter (where s.to_stage in ('APPOINTMENT_SET', 'OFFER_MADE', 'NEGOTIATION', 'UNDER_CONTRACT',
                                                    'CLOSED_WON')) as appointment_at,
             min(s.at) filter (where s.to_stage in ('OFFER_MADE', 'NEGOTIATION', 'UNDER_CONTRACT', 'CLOSED_WON'))
               as offer_at,
             min(s.at) filter (where s.to_stage in ('UNDER_CONTRACT', 'CLOSED_WON')) as contract_at,
             min(s.at) filter (where s.to_stage = 'CLOSED_WON') as won_at
        from deals d join deal_stage_changes s on s.organization_id = d.organization_id and s.deal_id = d.id
       where d.organization_id = l.organization_id and d.lead_id = l.id) st on true
   where l.id in (select unnest(ids))
  on conflict (lead_id) do update set
    created_at = excluded.created_at, source = excluded.source, status = excluded.status,
    assigned_user_id = excluded.assigned_user_id, property_id = excluded.property_id,
    contacted_at = excluded.contacted_at, deal_at = excluded.deal_at, appointment_at = excluded.appointment_at,
    offer_at = excluded.offer_at, contract_at = excluded.contract_at, won_at = excluded.won_at,
    first_response_minutes = excluded.first_response_minutes
$$;

-- A deal's own columns (stage, assignee, fee, price) and its underwritings change its facts too.
create function analytics_deal_facts_from_deals() returns trigger language plpgsql as $$
begin
  perform analytics_refresh_deals(array(
    select n.id from new_rows n join old_rows o on o.id = n.id
     where (n.stage, n.assigned_user_id, n.assignment_fee, n.contract_price, n.lead_id, n.created_at)
           is distinct from (o.stage, o.assigned_user_id, o.assignment_fee, o.contract_price, o.lead_id, o.created_at)));
  return null;
end $$;
create trigger analytics_deal_facts_deals_upd after update on deals
  referencing new table as new_rows old table as old_rows
  for each statement execute function analytics_deal_facts_from_deals();
create function analytics_deal_facts_from_underwritings() returns trigger language plpgsql as $$
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
create trigger analytics_deal_facts_uw_ins after insert on underwritings
  referencing new table as new_rows for each statement execute function analytics_deal_facts_from_underwritings();
create trigger analytics_deal_facts_uw_upd after update on underwritings
  referencing new table as new_rows old table as old_rows
  for each statement execute function analytics_deal_facts_from_underwritings();
create trigger analytics_deal_facts_uw_del after delete on underwritings
  referencing old table as old_rows for each statement execute function analytics_deal_facts_from_underwritings();

create table analytics_activity_daily (
  organization_id uuid not null references organizations (id) on delete cascade,
  day date not null,
  source lead_source not null,
  lead_user_id uuid,
  user_id uuid,
  type activity_type not null,
  n bigint not null
);
create unique index analytics_activity_daily_key on analytics_activity_daily
  (organization_id, day, source, lead_user_id, user_id, type) nulls not distinct;
alter table analytics_activity_daily enable row level security;
create policy tenant_isolation on analytics_activity_daily
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

create table analytics_activity_deltas (
  organization_id uuid not null references organizations (id) on delete cascade,
  day date not null,
  source lead_source not null,
  lead_user_id uuid,
  user_id uuid,
  type activity_type not null,
  n bigint not null
);
create index analytics_activity_deltas_org_idx on analytics_activity_deltas (organization_id, day);
alter table analytics_activity_deltas enable row level security;
create policy tenant_isolation on analytics_activity_deltas
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

-- Signed counts of activities (a.*, joined with their lead l and organization o) per rollup key.
create function analytics_activity_deltas_from_activities() returns trigger language plpgsql as $$
begin
  if tg_op in ('DELETE', 'UPDATE') then
    insert into analytics_activity_deltas (organization_id, day, source, lead_user_id, user_id, type, n)
    select a.organization_id, (a.occurred_at at time zone o.time_zone)::date, l.source, l.assigned_user_id,
           a.user_id, a.type, -count(*)
      from old_rows a join leads l on l.id = a.lead_id join organizations o on o.id = a.organization_id
     group by 1, 2, 3, 4, 5, 6;
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    insert into analytics_activity_deltas (organization_id, day, source, lead_user_id, user_id, type, n)
    select a.organization_id, (a.occurred_at at time zone o.time_zone)::date, l.source, l.assigned_user_id,
           a.user_id, a.type, count(*)
      from new_rows a join leads l on l.id = a.lead_id join organizations o on o.id = a.organization_id
     group by 1, 2, 3, 4, 5, 6;
  end if;
  return null;
end $$;
create trigger analytics_activity_deltas_ins after insert on activities
  referencing new table as new_rows for each statement execute function analytics_activity_deltas_from_activities();
create trigger analytics_activity_deltas_upd after update on activities
  referencing new table as new_rows old table as old_rows
  for each statement execute function analytics_activity_deltas_from_activities();
create trigger analytics_activity_deltas_del after delete on activities
  referencing old table as old_rows for each statement execute function analytics_activity_deltas_from_activities();

-- A lead inserted after its activities (foreign keys are deferred) brings them in; a lead whose
-- source or assignee changes moves its activities from the old key to the new one.
create function analytics_activity_deltas_from_leads() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    insert into analytics_activity_deltas (organization_id, day, source, lead_user_id, user_id, type, n)
    select a.organization_id, (a.occurred_at at time zone o.time_zone)::date, l.source, l.assigned_user_id,
           a.user_id, a.type, count(*)
      from new_rows l join activities a on a.organization_id = l.organization_id and a.lead_id = l.id
      join organizations o on o.id = l.organization_id
     group by 1, 2, 3, 4, 5, 6;
  else
    insert into analytics_activity_deltas (organization_id, day, source, lead_user_id, user_id, type, n)
    select a.organization_id, (a.occurred_at at time zone o.time_zone)::date, x.source, x.assigned_user_id,
           a.user_id, a.type, sum(x.sign)
      from (select o.id, o.organization_id, o.source, o.assigned_user_id, -1 as sign
              from old_rows o join new_rows n on n.id = o.id
             where (n.source, n.assigned_user_id) is distinct from (o.source, o.assigned_user_id)
            union all
            select n.id, n.organization_id, n.source, n.assigned_user_id, 1
              from old_rows o join new_rows n on n.id = o.id
             where (n.source, n.assigned_user_id) is distinct from (o.source, o.assigned_user_id)) x
      join activities a on a.organization_id = x.organization_id and a.lead_id = x.id
      join organizations o on o.id = x.organization_id
     group by 1, 2, 3, 4, 5, 6;
  end if;
  return null;
end $$;
create trigger analytics_activity_deltas_leads_ins after insert on leads
  referencing new table as new_rows for each statement execute function analytics_activity_deltas_from_leads();
create trigger analytics_activity_deltas_leads_upd after update on leads
  referencing new table as new_rows old table as old_rows
  for each statement execute function analytics_activity_deltas_from_leads();

-- Folds an organization's deltas into the daily rollup; one fold per organization at a time.
create function analytics_compact(org uuid) returns integer language plpgsql as $$
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
  return folded;
end $$;

-- Recomputes an organization's daily rollup from the activities (after a time-zone change, or to
-- check for drift); its pending deltas are dropped, since the rollup now counts everything.
create function analytics_rebuild_activity_daily(org uuid) returns void language plpgsql as $$
begin
  perform pg_advisory_xact_lock(hashtext('analytics_compact:' || org::text));
  delete from analytics_activity_deltas where organization_id = org;
  delete from analytics_activity_daily where organization_id = org;
  insert into analytics_activity_daily (organization_id, day, source, lead_user_id, user_id, type, n)
  select a.organization_id, (a.occurred_at at time zone o.time_zone)::date, l.source, l.assigned_user_id,
         a.user_id, a.type, count(*)
    from activities a join leads l on l.id = a.lead_id join organizations o on o.id = a.organization_id
   where a.organization_id = org
   group by 1, 2, 3, 4, 5, 6;
end $$;

-- Local days and business hours depend on the organization's time zone: a new one recomputes both.
create function analytics_time_zone_changed() returns trigger language plpgsql as $$
begin
  perform analytics_refresh_leads(array(select id from leads where organization_id = new.id));
  perform analytics_rebuild_activity_daily(new.id);
  return null;
end $$;
create trigger analytics_time_zone_changed after update of time_zone on organizations
  for each row when (old.time_zone is distinct from new.time_zone) execute function analytics_time_zone_changed();

select analytics_refresh_leads(array(select id from leads));
select analytics_refresh_deals(array(select id from deals));
select analytics_rebuild_activity_daily(id) from organizations;
`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop trigger if exists analytics_time_zone_changed on organizations;
drop function if exists analytics_time_zone_changed;
drop trigger if exists analytics_activity_deltas_leads_ins on leads;
drop trigger if exists analytics_activity_deltas_leads_upd on leads;
drop trigger if exists analytics_activity_deltas_ins on activities;
drop trigger if exists analytics_activity_deltas_upd on activities;
drop trigger if exists analytics_activity_deltas_del on activities;
drop trigger if exists analytics_deal_facts_deals_upd on deals;
drop trigger if exists analytics_deal_facts_uw_ins on underwritings;
drop trigger if exists analytics_deal_facts_uw_upd on underwritings;
drop trigger if exists analytics_deal_facts_uw_del on underwritings;
drop function if exists analytics_activity_deltas_from_activities, analytics_activity_deltas_from_leads,
  analytics_deal_facts_from_deals, analytics_deal_facts_from_underwritings;
drop function if exists analytics_compact(uuid), analytics_rebuild_activity_daily(uuid);
drop table if exists analytics_activity_deltas, analytics_activity_daily, analytics_deal_facts;
drop index if exists analytics_lead_facts_contacted_idx;
alter table analytics_lead_facts drop column if exists first_response_minutes;
drop function if exists business_minutes;
alter table analytics_stage_visits drop column if exists by_user_id, drop column if exists moved;
create or replace function analytics_refresh_deals(ids uuid[]) returns void language sql as $$
  delete from analytics_stage_visits where deal_id = any(ids);
  insert into analytics_stage_visits (id, organization_id, deal_id, lead_id, stage, entered_at, left_at)
  select s.id, s.organization_id, s.deal_id, d.lead_id, s.to_stage, s.at,
         lead(s.at) over (partition by s.deal_id order by s.at, s.id)
    from deal_stage_changes s join deals d on d.id = s.deal_id
   where s.deal_id = any(ids);
$$;
`);
  }
}
