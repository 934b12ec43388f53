/**
 * Which kinds of change (analytics_changes.kind: the table that changed) can move each cached
 * section, from the tables and facts its SQL reads. A section's cached answer is kept across
 * changes of other kinds. Changes recorded before kinds existed ('') and time-zone changes
 * ('organizations') move every section.
 *
 * Lead facts come from leads, activities (first contact, first response) and deals with their
 * stage history; deal facts and stage visits from deals, their stage history and underwritings
 * (revenue); every lead filter reads leads, properties (tags) and campaign recipients (campaigns).
 */
const EVERYTHING = ['', 'organizations'];
const FILTER = ['leads', 'properties', 'campaign_recipients'];
const DEALS = ['deals', 'deal_stage_changes', 'underwritings'];

const SECTIONS: Record<string, string[]> = {
  funnel: [...FILTER, 'activities', ...DEALS],
  funnelBy: [...FILTER, 'activities', ...DEALS],
  sourceRoi: [...FILTER, ...DEALS, 'marketing_spend'],
  stageDurations: [...FILTER, ...DEALS],
  stuckThreshold: [...FILTER, ...DEALS],
  velocity: [...FILTER, ...DEALS],
  team: [...FILTER, 'activities', ...DEALS, 'users'],
  campaignPerformance: [...FILTER],
  revenue: [...FILTER, ...DEALS],
  forecast: [...DEALS],
};

const SERIES: Record<string, string[]> = {
  SPEND: ['marketing_spend'],
  LEADS_CREATED: [...FILTER, ...DEALS],
  LEADS_CONTACTED: [...FILTER, 'activities', ...DEALS],
  ACTIVITIES: [...FILTER, 'activities'],
};

/** The kinds of change a cached answer (`what`: the section and its arguments) depends on; null: every kind. */
export function sectionTables(what: string[]): string[] | null {
  const [section, arg] = what;
  const tables = section === 'series' ? (SERIES[arg!] ?? [...FILTER, ...DEALS]) : SECTIONS[section!];
  return tables ? [...EVERYTHING, ...tables] : null;
}
