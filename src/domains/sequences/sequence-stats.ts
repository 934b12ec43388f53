import type { EntityManager } from '@mikro-orm/postgresql';
import type { Sequence } from '../../../entities/index.js';

/** What one step (by index) of a sequence did, over every enrollment and version. */
export interface StepStats {
  stepIndex: number;
  scheduled: number;
  sent: number;
  /** SMS: the carrier confirmed delivery; email: the mail server accepted it and it did not bounce. */
  delivered: number;
  /** Enrollments that replied after this step was their last send. */
  replied: number;
  /** Enrollments that opted out after this step was their last send. */
  optedOut: number;
  tasksCreated: number;
  skipped: number;
  failed: number;
  cancelled: number;
}

const SQL = `
  with runs as (
    select r.step_index, r.status, r.enrollment_id, m.channel, m.status as message_status
      from sequence_step_runs r left join outbound_messages m on m.id = r.message_id
     where r.organization_id = ? and r.sequence_id = ?),
  last_sent as (
    select r.enrollment_id, max(r.step_index) as step_index from sequence_step_runs r
     where r.organization_id = ? and r.sequence_id = ? and r.status = 'SENT' group by r.enrollment_id),
  exits as (
    select ls.step_index, count(*) filter (where e.exit_reason = 'REPLIED') as replied,
           count(*) filter (where e.exit_reason = 'OPTED_OUT') as opted_out
      from sequence_enrollments e join last_sent ls on ls.enrollment_id = e.id
     where e.organization_id = ? and e.sequence_id = ? and e.status = 'EXITED'
     group by ls.step_index)
  select r.step_index,
         count(*) filter (where r.status in ('SCHEDULED', 'SENDING'))::int as scheduled,
         count(*) filter (where r.status = 'SENT')::int as sent,
         count(*) filter (where r.status = 'SENT' and (r.message_status = 'DELIVERED'
                            or (r.channel = 'EMAIL' and r.message_status = 'SENT')))::int as delivered,
         count(*) filter (where r.status = 'DONE')::int as tasks_created,
         count(*) filter (where r.status = 'SKIPPED')::int as skipped,
         count(*) filter (where r.status = 'FAILED')::int as failed,
         count(*) filter (where r.status = 'CANCELLED')::int as cancelled,
         coalesce(max(x.replied), 0)::int as replied, coalesce(max(x.opted_out), 0)::int as opted_out
    from runs r left join exits x on x.step_index = r.step_index
   group by r.step_index order by r.step_index`;

/** Per-step counts of a sequence, in one statement; steps that never ran are shown with zeros. */
export async function stepStats(em: EntityManager, sequence: Sequence): Promise<StepStats[]> {
  const ids = [sequence.organizationId, sequence.id];
  const rows = await em.execute<Record<string, number>[]>(SQL, [...ids, ...ids, ...ids]);
  const byIndex = new Map(rows.map((r) => [r.step_index, r]));
  return sequence.steps.map((_, stepIndex) => {
    const r = byIndex.get(stepIndex);
    return {
      stepIndex,
      scheduled: r?.scheduled ?? 0,
      sent: r?.sent ?? 0,
      delivered: r?.delivered ?? 0,
      replied: r?.replied ?? 0,
      optedOut: r?.opted_out ?? 0,
      tasksCreated: r?.tasks_created ?? 0,
      skipped: r?.skipped ?? 0,
      failed: r?.failed ?? 0,
      cancelled: r?.cancelled ?? 0,
    };
  });
}
