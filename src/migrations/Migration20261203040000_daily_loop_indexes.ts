import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes found by the myDay benchmark (200,000 leads, 50,000 open tasks per organization):
 * - The task trigger recounts a lead's open tasks and next due time for every lead a statement
 *   touched (`leads_count_tasks`); without an index that starts with the lead each recount scanned
 *   the tasks table, and inserting 50,000 tasks took minutes. This one answers both from the index.
 * - myDay's stale leads are the agent's leads by score: without an index on (agent, score) the
 *   planner walked the whole organization's score index (138 ms); with it, the agent's best first.
 * - Counting them ("no activity since") read every lead of the agent (7 ms for 25,000); an index on
 *   the expression the query compares makes it a range scan over the stale ones only.
 */
export class Migration20261203040000_daily_loop_indexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create index tasks_open_by_lead_idx on tasks (lead_id, due_at) where status = 'OPEN';
create index leads_assignee_score_idx on leads (organization_id, assigned_user_id, score desc nulls last, id);
create index leads_assignee_stale_idx on leads (organization_id, assigned_user_id, (coalesce(last_activity_at, created_at)));
`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists tasks_open_by_lead_idx, leads_assignee_score_idx, leads_assignee_stale_idx;');
  }
}
