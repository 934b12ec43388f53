import type { AppDeps } from '../../platform/deps.js';
import { forkAnonymous } from '../../platform/tenancy/tenant-em.js';

/**
 * The sequence outbox's sweep: steps written SCHEDULED (or claimed) whose time passed more than
 * `graceMs` ago are queued again — a process that died between writing a step and queuing its job,
 * a Redis that was away, a job lost with a Redis that lost its data. Job ids name the step and its
 * time, so a job that exists already is not duplicated; the claim keeps a step from running twice.
 */
export async function sweepSequenceSteps(deps: AppDeps, graceMs = 60_000, batch = 1_000): Promise<number> {
  const em = forkAnonymous(deps.orm);
  const rows = await em
    .getConnection()
    .execute<{ organization_id: string; enrollment_id: string; step_index: number; scheduled_for: Date | string }[]>(
      'select * from app_sequence_steps_due(?, ?::interval)',
      [batch, `${graceMs} milliseconds`],
    );
  await deps.queues.enqueueSequenceSteps(
    rows.map((r) => ({
      data: { organizationId: r.organization_id, enrollmentId: r.enrollment_id, stepIndex: r.step_index },
      at: new Date(r.scheduled_for),
    })),
  );
  return rows.length;
}
