import { Migration } from '@mikro-orm/migrations';

/**
 * Analytics facts, one row per lead: when it was created and first contacted, when it got a deal,
 * and when one of its deals first reached an appointment, an offer, a contract and a win — what the
 * funnel and source ROI read, instead of scanning activities and stage history per request.
 *
 * Kept exact by statement-level triggers on every table a fact comes from (leads, activities,
 * deals, deal_stage_changes — inserts, updates and deletes): each collects the leads a statement
 * touched and recomputes their rows from the raw tables (`analytics_refresh_leads`), so backdated
 * activities, stage moves backwards, reassignments and imports all land exactly.
 */
export class Migration20261203070000_analytics_lead_facts extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table analytics_lead_facts (
  lead_id uuid primary key,
  organization_id uuid not null,
  created_at timestamptz not null,
  source lead_source not null,
  status lead_status not null,
  assigned_user_id uuid,
  property_id uuid,
  contacted_at timestamptz,
  deal_at timestamptz,
  appointment_at timestamptz,
  offer_at timestamptz,
  contract_at timestamptz,
  won_at timestamptz,
  foreign key (organization_id, lead_id) references leads (organization_id, id) on delete cascade
);
create index analytics_lead_facts_created_idx on analytics_lead_facts (organization_id, created_at);
alter table analytics_lead_facts enable row level security;
create policy tenant_isolation on analytics_lead_facts
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

create function analytics_refresh_leads(ids uuid[]) returns void language sql as $$
  insert into analytics_lead_facts as f (lead_id, organization_id, created_at, source, status, assigned_user_id,
                                         property_id, contacted_at, deal_at, appointment_at, offer_at, contract_at,
                                         won_at)
  select l.id, l.organization_id, l.created_at, l.source, l.status, l.assigned_user_id, l.property_id,
         (select min(a.occurred_at) from activities a
           where a.organization_id = l.organization_id and a.lead_id = l.id
             and a.direction = 'OUTBOUND' and a.type <> 'NOTE'),
         (select min(d.created_at) from deals d where d.organization_id = l.organization_id and d.lead_id = l.id),
         st.appointment_at, st.offer_at, st.contract_at, st.won_at
    from leads l
    left join lateral (
      select min(s.at) filter (where s.to_stage in ('APPOINTMENT_SET', 'OFFER_MADE', 'NEGOTIATION', 'UNDER_CONTRACT',
                                                    'CLOSED_WON')) as appointment_at,
             min(s.at) filter (where s.to_stage in ('OFFER_MADE', 'NEGOTIATION', 'UNDER_CONTRACT', 'CLOSED_WON'))
               as offer_at,
             min(s.at) filter (where s.to_stage in ('UNDER_CONTRACT', 'CLOSED_WON')) as contract_at,
             min(s.at) filter (where s.to_stage = 'CLOSED_WON') as won_at
        from deals d join deal_stage_changes s on s.organization_id = d.organization_id and s.deal_id = d.id
       where d.organization_id = l.organization_id and d.lead_id = l.id) st on true
   where l.id = any(ids)
  on conflict (lead_id) do update set
    created_at = excluded.created_at, source = excluded.source, status = excluded.status,
    assigned_user_id = excluded.assigned_user_id, property_id = excluded.property_id,
    contacted_at = excluded.contacted_at, deal_at = excluded.deal_at, appointment_at = excluded.appointment_at,
    offer_at = excluded.offer_at, contract_at = excluded.contract_at, won_at = excluded.won_at
$$;

-- Each trigger function reads only the transition tables its event has (plpgsql plans a statement
-- when it first runs it, so the branch for another event is never planned).
create function analytics_facts_from_leads() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    perform analytics_refresh_leads(array(select id from new_rows));
  else
    perform analytics_refresh_leads(array(
      select n.id from new_rows n join old_rows o on o.id = n.id
       where (n.created_at, n.source, n.status, n.assigned_user_id, n.property_id)
             is distinct from (o.created_at, o.source, o.status, o.assigned_user_id, o.property_id)));
  end if;
  return null;
end $$;
create function analytics_facts_from_lead_rows() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    perform analytics_refresh_leads(array(select distinct lead_id from new_rows));
  elsif tg_op = 'DELETE' then
    perform analytics_refresh_leads(array(select distinct lead_id from old_rows));
  else
    perform analytics_refresh_leads(array(select lead_id from new_rows union select lead_id from old_rows));
  end if;
  return null;
end $$;
create function analytics_facts_from_stage_changes() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    perform analytics_refresh_leads(array(select distinct d.lead_id from new_rows r join deals d on d.id = r.deal_id));
  elsif tg_op = 'DELETE' then
    perform analytics_refresh_leads(array(select distinct d.lead_id from old_rows r join deals d on d.id = r.deal_id));
  else
    perform analytics_refresh_leads(array(
      select d.lead_id from (select deal_id from new_rows union select deal_id from old_rows) r
        join deals d on d.id = r.deal_id));
  end if;
  return null;
end $$;

create trigger analytics_leads_ins after insert on leads
  referencing new table as new_rows for each statement execute function analytics_facts_from_leads();
create trigger analytics_leads_upd after update on leads
  referencing new table as new_rows old table as old_rows for each statement execute function analytics_facts_from_leads();
create trigger analytics_activities_ins after insert on activities
  referencing new table as new_rows for each statement execute function analytics_facts_from_lead_rows();
create trigger analytics_activities_upd after update on activities
  referencing new table as new_rows old table as old_rows
  for each statement execute function analytics_facts_from_lead_rows();
create trigger analytics_activities_del after delete on activities
  referencing old table as old_rows for each statement execute function analytics_facts_from_lead_rows();
create trigger analytics_deals_ins after insert on deals
  referencing new table as new_rows for each statement execute function analytics_facts_from_lead_rows();
create trigger analytics_deals_upd after update on deals
  referencing new table as new_rows old table as old_rows
  for each statement execute function analytics_facts_from_lead_rows();
create trigger analytics_deals_del after delete on deals
  referencing old table as old_rows for each statement execute function analytics_facts_from_lead_rows();
create trigger analytics_stages_ins after insert on deal_stage_changes
  referencing new table as new_rows for each statement execute function analytics_facts_from_stage_changes();
create trigger analytics_stages_upd after update on deal_stage_changes
  referencing new table as new_rows old table as old_rows
  for each statement execute function analytics_facts_from_stage_changes();
create trigger analytics_stages_del after delete on deal_stage_changes
  referencing old table as old_rows for each statement execute function analytics_facts_from_stage_changes();

select analytics_refresh_leads(array(select id from leads));
`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop trigger if exists analytics_leads_ins on leads;
drop trigger if exists analytics_leads_upd on leads;
drop trigger if exists analytics_activities_ins on activities;
drop trigger if exists analytics_activities_upd on activities;
drop trigger if exists analytics_activities_del on activities;
drop trigger if exists analytics_deals_ins on deals;
drop trigger if exists analytics_deals_upd on deals;
drop trigger if exists analytics_deals_del on deals;
drop trigger if exists analytics_stages_ins on deal_stage_changes;
drop trigger if exists analytics_stages_upd on deal_stage_changes;
drop trigger if exists analytics_stages_del on deal_stage_changes;
drop function if exists analytics_facts_from_leads, analytics_facts_from_lead_rows, analytics_facts_from_stage_changes;
drop function if exists analytics_refresh_leads(uuid[]);
drop table if exists analytics_lead_facts;
`);
  }
}
