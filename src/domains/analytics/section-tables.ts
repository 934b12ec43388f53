/**
 * Which kinds of change (analytics_changes.kind: the table that changed) can move each cached
 * answer, from the tables and facts its SQL reads. An answer is kept across changes of other kinds.
 * Changes recorded before kinds existed ('') and time-zone changes ('organizations') move every
 * answer.
 *
 * Lead facts (analytics_lead_facts) are a kind of their own, recorded only when a lead's facts
 * really change: a call to a lead already contacted moves the activity counts, not the funnel.
 * Deal facts and stage visits come from deals, their stage history and underwritings (revenue).
 *
 * A lead filter reads leads, properties (tags) and campaign recipients (campaigns). Many answers
 * read leads only to apply a filter (FILTERED below): unfiltered, a new or edited lead leaves them
 * cached. Others read leads themselves: the lead counts of source ROI (with what their deals
 * became, not their contacts), the leads created. Velocity reads the lead's creation time kept with
 * its deal's facts (a change of it is recorded as a change of its deals). The team section is
 * cached in parts, each under its own kinds.
 *
 * Changes of leads and lead facts also name the day of the leads they touch: an answer about the
 * leads created before today reads their `@past` versions instead (AnalyticsService.cohort).
 */
const EVERYTHING = ['', 'organizations'];
const FILTER = ['leads', 'properties', 'campaign_recipients'];
/** Stands for FILTER when the request filters leads, for nothing when it does not. */
const FILTERED = 'filter';
const FACTS = 'analytics_lead_facts';
const DEALS = ['deals', 'deal_stage_changes', 'underwritings'];

const SECTIONS: Record<string, string[]> = {
  funnel: [FILTERED, FACTS],
  funnelBy: [FILTERED, FACTS],
  sourceRoi: [FILTERED, 'leads', ...DEALS, 'marketing_spend'],
  sourceRoiLeads: [FILTERED, 'leads', ...DEALS],
  stageDurations: [FILTERED, ...DEALS],
  stuckThreshold: [FILTERED, ...DEALS],
  stuckDeals: [FILTERED, ...DEALS],
  velocity: [FILTERED, ...DEALS],
  teamUsers: ['users'],
  teamLeads: [FILTERED, FACTS],
  teamActivities: [FILTERED, 'activities'],
  teamMoves: [FILTERED, ...DEALS],
  teamDeals: [FILTERED, ...DEALS],
  campaignPerformance: [FILTERED, 'campaign_recipients'],
  revenue: [FILTERED, ...DEALS],
  forecast: [...DEALS],
};

const SERIES: Record<string, string[]> = {
  SPEND: ['marketing_spend'],
  LEADS_CREATED: [FILTERED, 'leads'],
  LEADS_CONTACTED: [FILTERED, FACTS],
  ACTIVITIES: [FILTERED, 'activities'],
};

/**
 * The kinds of change a cached answer (`what`: the section and its arguments) depends on, for a
 * request that filters leads or not; null: every kind.
 */
export function sectionTables(what: string[], filtered: boolean): string[] | null {
  const [section, arg] = what;
  const tables = section === 'series' ? (SERIES[arg!] ?? [FILTERED, ...DEALS]) : SECTIONS[section!];
  if (!tables) return null;
  return [...EVERYTHING, ...tables.flatMap((kind) => (kind !== FILTERED ? [kind] : filtered ? FILTER : []))];
}
