import { Migration } from '@mikro-orm/migrations';

/**
 * A new lead no longer makes the dashboard recompute what it knew about the leads before it.
 *
 * - **Changes to leads name the day of the leads they touch.** A change row of kind `leads` or
 *   `analytics_lead_facts` carries `lead_day`: the earliest UTC creation day among the leads the
 *   statement wrote (old and new values of an update both count). The sections over the leads
 *   created in a range (funnel, source ROI, the team's leads, leads created) keep the part of
 *   their answer about leads created before today under the versions of changes to such leads
 *   only (`@past` versions, AnalyticsService.cohort); today's leads are read each time. The fold
 *   keeps one row per kind and lead day, so those versions survive it.
 * - **Deal facts carry their lead's creation time** (`lead_created_at`), so velocity reads deals
 *   alone; a lead whose creation time changes refreshes its deals' facts and records a change of
 *   kind `deals`.
 */
export class Migration20261206180000_analytics_lead_cohorts extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table analytics_changes add column lead_day date;

-- Rows that name leads (leads themselves, their analytics facts): the kind and the earliest UTC day
-- of creation among the rows written.
create function analytics_changed_cohort() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    insert into analytics_changes (organization_id, kind, lead_day)
    select organization_id, tg_table_name, min((created_at at time zone 'UTC')::date) from new_rows
     group by organization_id;
  elsif tg_op = 'DELETE' then
    insert into analytics_changes (organization_id, kind, lead_day)
    select organization_id, tg_table_name, min((created_at at time zone 'UTC')::date) from old_rows
     group by organization_id;
  else
    insert into analytics_changes (organization_id, kind, lead_day)
    select organization_id, tg_table_name, min((created_at at time zone 'UTC')::date)
      from (select organization_id, created_at from new_rows union all select organization_id, created_at from old_rows) r
     group by organization_id;
  end if;
  return null;
end $$;

-- What analytics reads of a lead (its facts, and the filters by source, assignee and property).
create or replace function analytics_changed_leads() returns trigger language plpgsql as $$
begin
  insert into analytics_changes (organization_id, kind, lead_day)
  select n.organization_id, 'leads', min((least(n.created_at, o.created_at) at time zone 'UTC')::date)
    from new_rows n join old_rows o on o.id = n.id
   where (n.organization_id, n.created_at, n.source, n.status, n.assigned_user_id, n.property_id)
         is distinct from (o.organization_id, o.created_at, o.source, o.status, o.assigned_user_id, o.property_id)
   group by n.organization_id;
  return null;
end $$;

drop trigger analytics_changes_ins on leads;
drop trigger analytics_changes_del on leads;
create trigger analytics_changes_ins after insert on leads referencing new table as new_rows
  for each statement execute function analytics_changed_cohort();
create trigger analytics_changes_del after delete on leads referencing old table as old_rows
  for each statement execute function analytics_changed_cohort();
drop trigger analytics_changes_ins on analytics_lead_facts;
drop trigger analytics_changes_upd on analytics_lead_facts;
drop trigger analytics_changes_del on analytics_lead_facts;
create trigger analytics_changes_ins after insert on analytics_lead_facts referencing new table as new_rows
  for each statement execute function analytics_changed_cohort();
create trigger analytics_changes_upd after update on analytics_lead_facts
  referencing old table as old_rows new table as new_rows
  for each statement execute function analytics_changed_cohort();
create trigger analytics_changes_del after delete on analytics_lead_facts referencing old table as old_rows
  for each statement execute function analytics_changed_cohort();

alter table analytics_deal_facts add column lead_created_at timestamptz;

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
                                    revenue_basis, stages_passed, lead_created_at)
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
         coalesce(st.stages_passed, '{}'),
         (select l.created_at from leads l where l.organization_id = d.organization_id and l.id = d.lead_id)
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

-- A lead's creation time is in its deals' facts: a lead written after its deal (the foreign key is
-- deferred) or given another creation time refreshes them, as a change of its deals.
create function analytics_deal_facts_from_leads() returns trigger language plpgsql as $$
declare changed uuid[];
begin
  if tg_op = 'INSERT' then
    changed := array(select d.id from new_rows n join deals d on d.organization_id = n.organization_id and d.lead_id = n.id);
  else
    changed := array(select d.id from new_rows n join old_rows o on o.id = n.id
                       join deals d on d.organization_id = n.organization_id and d.lead_id = n.id
                      where n.created_at is distinct from o.created_at);
  end if;
  if cardinality(changed) > 0 then
    perform analytics_refresh_deals(changed);
    insert into analytics_changes (organization_id, kind)
    select distinct organization_id, 'deals' from deals where id = any(changed);
  end if;
  return null;
end $$;
create trigger analytics_deal_facts_leads_ins after insert on leads
  referencing new table as new_rows for each statement execute function analytics_deal_facts_from_leads();
create trigger analytics_deal_facts_leads_upd after update on leads
  referencing old table as old_rows new table as new_rows
  for each statement execute function analytics_deal_facts_from_leads();

update analytics_deal_facts df set lead_created_at = l.created_at from leads l where l.id = df.lead_id;

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
  -- Each kind keeps its newest row per lead day, which takes on the weight of the rows trimmed:
  -- every version (total weight, highest id), of the kind and of its changes before a day, stays as
  -- it was. One statement, one snapshot: a change committed meanwhile is neither trimmed nor counted.
  with newest as (select kind, lead_day, max(id) as id from analytics_changes where organization_id = org
                   group by kind, lead_day),
       gone as (delete from analytics_changes c using newest n
                 where c.organization_id = org and c.kind = n.kind and c.lead_day is not distinct from n.lead_day
                   and c.id < n.id
                returning c.kind, c.lead_day, c.weight),
       trimmed as (select kind, lead_day, sum(weight) as weight from gone group by kind, lead_day)
  update analytics_changes c set weight = c.weight + t.weight
    from trimmed t join newest n on n.kind = t.kind and n.lead_day is not distinct from t.lead_day
   where c.id = n.id;
  return folded;
end $$;
`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop trigger analytics_deal_facts_leads_ins on leads;
drop trigger analytics_deal_facts_leads_upd on leads;
drop function analytics_deal_facts_from_leads();
drop trigger analytics_changes_ins on leads;
drop trigger analytics_changes_del on leads;
create trigger analytics_changes_ins after insert on leads referencing new table as new_rows
  for each statement execute function analytics_changed_new();
create trigger analytics_changes_del after delete on leads referencing old table as old_rows
  for each statement execute function analytics_changed_old();
drop trigger analytics_changes_ins on analytics_lead_facts;
drop trigger analytics_changes_upd on analytics_lead_facts;
drop trigger analytics_changes_del on analytics_lead_facts;
create trigger analytics_changes_ins after insert on analytics_lead_facts referencing new table as new_rows
  for each statement execute function analytics_changed_new();
create trigger analytics_changes_upd after update on analytics_lead_facts referencing new table as new_rows
  for each statement execute function analytics_changed_new();
create trigger analytics_changes_del after delete on analytics_lead_facts referencing old table as old_rows
  for each statement execute function analytics_changed_old();
drop function analytics_changed_cohort();
-- The functions as the previous migrations left them.
create or replace function analytics_changed_leads() returns trigger language plpgsql as $$
begin
  insert into analytics_changes (organization_id, kind)
  select distinct n.organization_id, 'leads' from new_rows n join old_rows o on o.id = n.id
   where (n.organization_id, n.created_at, n.source, n.status, n.assigned_user_id, n.property_id)
         is distinct from (o.organization_id, o.created_at, o.source, o.status, o.assigned_user_id, o.property_id);
  return null;
end $$;
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
  -- Each kind keeps its newest row, which takes on the weight of the rows trimmed: every version
  -- (total weight, highest id) stays as it was. One statement, one snapshot: a change committed
  -- meanwhile is neither trimmed nor counted, and moves its kind's version when it lands.
  with newest as (select kind, max(id) as id from analytics_changes where organization_id = org group by kind),
       gone as (delete from analytics_changes c using newest n
                 where c.organization_id = org and c.kind = n.kind and c.id < n.id
                returning c.kind, c.weight),
       trimmed as (select kind, sum(weight) as weight from gone group by kind)
  update analytics_changes c set weight = c.weight + t.weight
    from trimmed t join newest n on n.kind = t.kind
   where c.id = n.id;
  return folded;
end $$;
alter table analytics_changes drop column lead_day;
alter table analytics_deal_facts drop column lead_created_at;
`);
  }
}
