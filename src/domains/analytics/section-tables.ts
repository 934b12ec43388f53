/**
 * Which kinds of change (analytics_changes.kind: the table that changed) can move each cached
 * answer, from the tables and facts its SQL reads. An answer is kept across changes of other kinds.
 * Changes recorded before kinds existed ('') and time-zone changes ('organizations') move every
 * answer.
 *
 * Lead facts (analytics_lead_facts) are a kind of their own, recorded only when a lead's facts
 * really change: a call to a lead already contacted moves the activity counts, not the funnel.
 * Answers that read a lead's first contact or first response depend on that kind; the rest of a
 * lead's facts move only with its own columns ('leads') or its deals. Deal facts and stage visits
 * come from deals, their stage history and underwritings (revenue); every lead filter reads leads,
 * properties (tags) and campaign recipients (campaigns). The team section is cached in parts, each
 * under its own kinds.
 */
const EVERYTHING = ['', 'organizations'];
const FILTER = ['leads', 'properties', 'campaign_recipients'];
const FACTS = 'analytics_lead_facts';
const DEALS = ['deals', 'deal_stage_changes', 'underwritings'];

const SECTIONS: Record<string, string[]> = {
  funnel: [...FILTER, FACTS],
  funnelBy: [...FILTER, FACTS],
  sourceRoi: [...FILTER, ...DEALS, 'marketing_spend'],
  stageDurations: [...FILTER, ...DEALS],
  stuckThreshold: [...FILTER, ...DEALS],
  stuckDeals: [...FILTER, ...DEALS],
  velocity: [...FILTER, ...DEALS],
  teamUsers: ['users'],
  teamLeads: [...FILTER, FACTS],
  teamActivities: [...FILTER, 'activities'],
  teamMoves: [...FILTER, ...DEALS],
  teamDeals: [...FILTER, ...DEALS],
  campaignPerformance: [...FILTER],
  revenue: [...FILTER, ...DEALS],
  forecast: [...DEALS],
};

const SERIES: Record<string, string[]> = {
  SPEND: ['marketing_spend'],
  LEADS_CREATED: [...FILTER],
  LEADS_CONTACTED: [...FILTER, FACTS],
  ACTIVITIES: [...FILTER, 'activities'],
};

/** The kinds of change a cached answer (`what`: the section and its arguments) depends on; null: every kind. */
export function sectionTables(what: string[]): string[] | null {
  const [section, arg] = what;
  const tables = section === 'series' ? (SERIES[arg!] ?? [...FILTER, ...DEALS]) : SECTIONS[section!];
  return tables ? [...EVERYTHING, ...tables] : null;
}
