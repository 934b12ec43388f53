import { Migration } from '@mikro-orm/migrations';

/**
 * The deal facts as Migration20261206180000_analytics_lead_cohorts computes them, one row per deal
 * of `ids`. Its target has no alias: the conflict clause below names the table.
 */
const DEAL_FACTS = `  insert into analytics_deal_facts (deal_id, organization_id, lead_id, assigned_user_id, stage, created_at,
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
   where d.id in (select unnest(ids))`;

/** `analytics_refresh_leads`' one statement, unchanged since Migration20261206170000_analytics_fact_changes. */
const REFRESH_LEADS = `  insert into analytics_lead_facts as f (lead_id, organization_id, created_at, source, status, assigned_user_id,
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
         excluded.won_at, excluded.first_response_minutes)`;

/**
 * A move's analytics cost a third of what they did, and no longer grow with the deal's history.
 *
 * `analytics_refresh_deals` runs twice on every move (the deal's update, then its stage change) and
 * `analytics_refresh_leads` twice more (the deal's lead); the latter also on every new lead and
 * activity. Both were SQL-language functions, whose statements Postgres plans again on every call
 * (planning was most of their time), and the deal refresh deleted all of the deal's stage visits and
 * its facts row and inserted them again: one visit per stage change ever made, each insert with its
 * foreign-key check and three index entries, and the facts row with eight.
 *
 * - **PL/pgSQL**, same statements: their plans are kept per connection. The app's connections run
 *   generic plans (`plan_cache_mode`, src/platform/orm.ts), which is what a SQL function's
 *   statements got on every call anyway.
 * - **Only what differs is written.** The deal refresh still computes every visit and the facts
 *   from all of the deal's stage changes (the same statements as before, so its answer is the
 *   same), then deletes the visits no longer wanted, inserts or updates those that are new or
 *   differ (the others are not even locked), and updates the facts row only where a value differs.
 *   A move writes its new visit and the previous visit's `left_at`; the second refresh of the same
 *   move writes nothing. `rebuildAnalytics` repairs drift as before (a missing, changed or left-over
 *   row is written; the rest are left alone).
 *
 * `BENCH_ONLY=moves npm run bench` (bench/deal-moves.ts), Postgres CPU per move on deals with 8, 60
 * and 460 earlier changes: 6.5, 8.7 and 17.5 ms before, 2.8, 2.5 and 5.0 ms after; WAL per move
 * 10.6, 55.6 and 398 KB before, 3–4 KB after.
 */
export class Migration20261207100000_analytics_refresh_diff extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create or replace function analytics_refresh_deals(ids uuid[]) returns void language plpgsql as $$
begin
  with wanted as (
    select s.id, s.organization_id, s.deal_id, d.lead_id, s.to_stage as stage, s.at as entered_at,
           lead(s.at) over (partition by s.deal_id order by s.at, s.id) as left_at, s.by_user_id,
           s.from_stage is not null as moved
      from deals d join deal_stage_changes s on s.organization_id = d.organization_id and s.deal_id = d.id
     where d.id in (select unnest(ids))),
  gone as (
    delete from analytics_stage_visits v
     where v.deal_id = any(ids) and not exists (select 1 from wanted w where w.id = v.id))
  insert into analytics_stage_visits as v (id, organization_id, deal_id, lead_id, stage, entered_at, left_at,
                                           by_user_id, moved)
  select id, organization_id, deal_id, lead_id, stage, entered_at, left_at, by_user_id, moved from wanted w
   -- Only the visits that are new or differ: the others are not even locked.
   where not exists (
     select 1 from analytics_stage_visits x
      where x.id = w.id
        and (x.organization_id, x.deal_id, x.lead_id, x.stage, x.entered_at, x.left_at, x.by_user_id, x.moved)
            is not distinct from
            (w.organization_id, w.deal_id, w.lead_id, w.stage, w.entered_at, w.left_at, w.by_user_id, w.moved))
  on conflict (id) do update set
    organization_id = excluded.organization_id, deal_id = excluded.deal_id, lead_id = excluded.lead_id,
    stage = excluded.stage, entered_at = excluded.entered_at, left_at = excluded.left_at,
    by_user_id = excluded.by_user_id, moved = excluded.moved;

  -- A deleted deal's facts go with it (the foreign key cascades); this keeps the old answer for an id
  -- whose deal is not visible.
  delete from analytics_deal_facts f
   where f.deal_id in (select unnest(ids)) and not exists (select 1 from deals d where d.id = f.deal_id);
${DEAL_FACTS}
  on conflict (deal_id) do update set
    organization_id = excluded.organization_id, lead_id = excluded.lead_id,
    assigned_user_id = excluded.assigned_user_id, stage = excluded.stage, created_at = excluded.created_at,
    appointment_at = excluded.appointment_at, offer_at = excluded.offer_at, contract_at = excluded.contract_at,
    first_won_at = excluded.first_won_at, won_at = excluded.won_at, revenue = excluded.revenue,
    revenue_basis = excluded.revenue_basis, stages_passed = excluded.stages_passed,
    lead_created_at = excluded.lead_created_at
  where row(analytics_deal_facts.*) is distinct from row(excluded.*);
end $$;

create or replace function analytics_refresh_leads(ids uuid[]) returns void language plpgsql as $$
begin
${REFRESH_LEADS};
end $$;
`);
  }

  override async down(): Promise<void> {
    // analytics_refresh_deals as Migration20261206180000_analytics_lead_cohorts left it.
    this.addSql(`
create or replace function analytics_refresh_deals(ids uuid[]) returns void language sql as $$
  delete from analytics_stage_visits where deal_id in (select unnest(ids));
  insert into analytics_stage_visits (id, organization_id, deal_id, lead_id, stage, entered_at, left_at, by_user_id,
                                      moved)
  select s.id, s.organization_id, s.deal_id, d.lead_id, s.to_stage, s.at,
         lead(s.at) over (partition by s.deal_id order by s.at, s.id), s.by_user_id, s.from_stage is not null
    from deals d join deal_stage_changes s on s.organization_id = d.organization_id and s.deal_id = d.id
   where d.id in (select unnest(ids));
  delete from analytics_deal_facts where deal_id in (select unnest(ids));
${DEAL_FACTS};
$$;
-- analytics_refresh_leads as Migration20261206170000_analytics_fact_changes left it.
create or replace function analytics_refresh_leads(ids uuid[]) returns void language sql as $$
${REFRESH_LEADS}
$$;
`);
  }
}
