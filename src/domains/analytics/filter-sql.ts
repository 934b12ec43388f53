import { nullableArray, type AnalyticsQuery } from './definitions.js';

/** A piece of SQL and its positional parameters, in order. */
export interface Sql {
  sql: string;
  params: unknown[];
}

/** Whether the request filters leads at all. */
export function filtered(q: AnalyticsQuery): boolean {
  const { sources, assignedUserIds, tags, campaignIds } = q.filter;
  return !!(sources || assignedUserIds || tags || campaignIds);
}

/**
 * Whether the daily activity rollup can answer the filter: it is kept per lead source and lead
 * assignee, not per property tag or campaign (those read the activities themselves).
 */
export function rollupAnswers(q: AnalyticsQuery): boolean {
  return !q.filter.tags && !q.filter.campaignIds;
}

/**
 * The filter as conditions on a row `t` that carries the lead's source, assignee and property (a
 * row of analytics_lead_facts, whose lead id is `lead_id`, or of leads, whose id is `id`); `true`
 * when nothing is filtered, so an unfiltered section adds no condition and no join.
 */
export function leadFilter(q: AnalyticsQuery, t: string, id = 'lead_id'): Sql {
  const { sources, assignedUserIds, tags, campaignIds } = q.filter;
  return conditions([
    [sources, `${t}.source = any(?::lead_source[])`],
    [assignedUserIds, `${t}.assigned_user_id = any(?::uuid[])`],
    [tags, `exists (select 1 from properties p where p.id = ${t}.property_id and p.tags && ?::text[])`],
    [
      campaignIds,
      `exists (select 1 from campaign_recipients cr where cr.lead_id = ${t}.${id} and cr.campaign_id = any(?::uuid[]))`,
    ],
  ]);
}

/** `a and b and …` over the conditions whose list is given, each with that list as its one parameter. */
function conditions(list: [readonly string[] | null | undefined, string][]): Sql {
  const used = list.filter(([values]) => values?.length);
  return {
    sql: used.length ? used.map(([, sql]) => sql).join(' and ') : 'true',
    params: used.map(([values]) => nullableArray(values)),
  };
}

/**
 * For rows that name a lead (`t.lead_id`) but carry none of its fields: a join to the lead's facts
 * as `f` and the filter over them — nothing at all when the request is unfiltered.
 */
export function viaLeadFacts(q: AnalyticsQuery, t: string): { join: string; where: Sql } {
  if (!filtered(q)) return { join: '', where: { sql: 'true', params: [] } };
  return { join: `join analytics_lead_facts f on f.lead_id = ${t}.lead_id`, where: leadFilter(q, 'f') };
}

/** The filter over the daily activity rollup (and its deltas), which keep the lead's source and assignee. */
export function rollupFilter(q: AnalyticsQuery, t: string): Sql {
  return conditions([
    [q.filter.sources, `${t}.source = any(?::lead_source[])`],
    [q.filter.assignedUserIds, `${t}.lead_user_id = any(?::uuid[])`],
  ]);
}

/**
 * Activities per local day, actor and type for the range and filter: the daily rollup plus the
 * deltas not yet folded into it (so the answer is exact before the analytics job runs), or — for a
 * filter the rollup does not keep — the activities themselves.
 */
export function activityCounts(q: AnalyticsQuery): Sql {
  if (rollupAnswers(q)) {
    const w = rollupFilter(q, 'r');
    const part = (table: string) =>
      `select r.day, r.user_id, r.type, r.n from ${table} r where r.day >= ?::date and r.day <= ?::date and ${w.sql}`;
    return {
      sql: `select day, user_id, type, sum(n) as n
              from (${part('analytics_activity_daily')} union all ${part('analytics_activity_deltas')}) x
             group by day, user_id, type having sum(n) <> 0`,
      params: [q.range.from, q.range.to, ...w.params, q.range.from, q.range.to, ...w.params],
    };
  }
  const w = leadFilter(q, 'l', 'id');
  return {
    sql: `select (a.occurred_at at time zone ?)::date as day, a.user_id, a.type, count(*) as n
            from activities a join leads l on l.id = a.lead_id
           where a.occurred_at >= ? and a.occurred_at < ? and ${w.sql}
           group by 1, 2, 3`,
    params: [q.range.timeZone, q.range.start, q.range.end, ...w.params],
  };
}
