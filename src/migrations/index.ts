import { Migration20261123000000_core } from './Migration20261123000000_core.js';
import { Migration20261123010000_underwriting } from './Migration20261123010000_underwriting.js';
import { Migration20261123020000_enrichment } from './Migration20261123020000_enrichment.js';
import { Migration20261123030000_memos } from './Migration20261123030000_memos.js';
import { Migration20261123040000_failed_jobs } from './Migration20261123040000_failed_jobs.js';
import { Migration20261123050000_templates } from './Migration20261123050000_templates.js';
import { Migration20261123060000_consent } from './Migration20261123060000_consent.js';
import { Migration20261123070000_messages } from './Migration20261123070000_messages.js';
import { Migration20261123080000_campaigns } from './Migration20261123080000_campaigns.js';
import { Migration20261123090000_unsubscribe } from './Migration20261123090000_unsubscribe.js';
import { Migration20261124000000_sms_tracking } from './Migration20261124000000_sms_tracking.js';
import { Migration20261124010000_imports } from './Migration20261124010000_imports.js';
import { Migration20261203000000_suppressions } from './Migration20261203000000_suppressions.js';
import { Migration20261203010000_memo_snapshots } from './Migration20261203010000_memo_snapshots.js';
import { Migration20261203020000_tasks } from './Migration20261203020000_tasks.js';
import { Migration20261203030000_daily_loop } from './Migration20261203030000_daily_loop.js';
import { Migration20261203040000_daily_loop_indexes } from './Migration20261203040000_daily_loop_indexes.js';
import { Migration20261203050000_reminder_outbox } from './Migration20261203050000_reminder_outbox.js';
import { Migration20261203060000_marketing_spend } from './Migration20261203060000_marketing_spend.js';
import { Migration20261203070000_analytics_lead_facts } from './Migration20261203070000_analytics_lead_facts.js';
import { Migration20261203080000_analytics_stage_visits } from './Migration20261203080000_analytics_stage_visits.js';
import { Migration20261203090000_analytics_rollups } from './Migration20261203090000_analytics_rollups.js';

/** Every migration, in order. Listed explicitly so compiled and source runs find the same set. */
export const MIGRATIONS = [
  { name: 'Migration20261123000000_core', class: Migration20261123000000_core },
  { name: 'Migration20261123010000_underwriting', class: Migration20261123010000_underwriting },
  { name: 'Migration20261123020000_enrichment', class: Migration20261123020000_enrichment },
  { name: 'Migration20261123030000_memos', class: Migration20261123030000_memos },
  { name: 'Migration20261123040000_failed_jobs', class: Migration20261123040000_failed_jobs },
  { name: 'Migration20261123050000_templates', class: Migration20261123050000_templates },
  { name: 'Migration20261123060000_consent', class: Migration20261123060000_consent },
  { name: 'Migration20261123070000_messages', class: Migration20261123070000_messages },
  { name: 'Migration20261123080000_campaigns', class: Migration20261123080000_campaigns },
  { name: 'Migration20261123090000_unsubscribe', class: Migration20261123090000_unsubscribe },
  { name: 'Migration20261124000000_sms_tracking', class: Migration20261124000000_sms_tracking },
  { name: 'Migration20261124010000_imports', class: Migration20261124010000_imports },
  { name: 'Migration20261203000000_suppressions', class: Migration20261203000000_suppressions },
  { name: 'Migration20261203010000_memo_snapshots', class: Migration20261203010000_memo_snapshots },
  { name: 'Migration20261203020000_tasks', class: Migration20261203020000_tasks },
  { name: 'Migration20261203030000_daily_loop', class: Migration20261203030000_daily_loop },
  { name: 'Migration20261203040000_daily_loop_indexes', class: Migration20261203040000_daily_loop_indexes },
  { name: 'Migration20261203050000_reminder_outbox', class: Migration20261203050000_reminder_outbox },
  { name: 'Migration20261203060000_marketing_spend', class: Migration20261203060000_marketing_spend },
  { name: 'Migration20261203070000_analytics_lead_facts', class: Migration20261203070000_analytics_lead_facts },
  { name: 'Migration20261203080000_analytics_stage_visits', class: Migration20261203080000_analytics_stage_visits },
  { name: 'Migration20261203090000_analytics_rollups', class: Migration20261203090000_analytics_rollups },
];
