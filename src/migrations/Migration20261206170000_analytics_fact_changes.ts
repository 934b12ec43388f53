import { Migration } from '@mikro-orm/migrations';

/**
 * Two things that made every cached analytics section stale when no answer had changed:
 *
 * - **Lead facts as their own kind of change.** The funnel, first-response times and the contacted
 *   series read the lead facts, not the activities; logging a call changes a lead's facts only when
 *   it is the lead's first outbound contact. Facts are now rewritten only when a value differs, and
 *   a statement that changed any records the kind `analytics_lead_facts` (section-tables.ts).
 * - **A fold keeps every version.** A kind's version is the total weight of its change rows and
 *   the highest id. The fold used to replace the rows with a new one, giving every kind a new
 *   version after each burst of mutations; it now deletes all but each kind's newest row and adds
 *   their weight to it, in one statement, so a version moves only when a change is committed.
 */
export class Migration20261206170000_analytics_fact_changes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table analytics_changes add column weight bigint not null default 1;

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
  where (f.created_at, f.source, f.status, f.assigned_user_id, f.property_id, f.contacted_at, f.deal_at,
         f.appointment_at, f.offer_at, f.contract_at, f.won_at, f.first_response_minutes)
        is distinct from
        (excluded.created_at, excluded.source, excluded.status, excluded.assigned_user_id, excluded.property_id,
         excluded.contacted_at, excluded.deal_at, excluded.appointment_at, excluded.offer_at, excluded.contract_at,
         excluded.won_at, excluded.first_response_minutes)
$$;

create trigger analytics_changes_ins after insert on analytics_lead_facts referencing new table as new_rows
  for each statement execute function analytics_changed_new();
create trigger analytics_changes_upd after update on analytics_lead_facts referencing new table as new_rows
  for each statement execute function analytics_changed_new();
create trigger analytics_changes_del after delete on analytics_lead_facts referencing old table as old_rows
  for each statement execute function analytics_changed_old();

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
`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop trigger analytics_changes_ins on analytics_lead_facts;
drop trigger analytics_changes_upd on analytics_lead_facts;
drop trigger analytics_changes_del on analytics_lead_facts;
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
  with gone as (delete from analytics_changes where organization_id = org returning kind)
  insert into analytics_changes (organization_id, kind) select distinct org, kind from gone;
  return folded;
end $$;
alter table analytics_changes drop column weight;
`);
  }
}
