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
  const byOrganization = new Map<string, { enrollmentId: string; stepIndex: number; at: Date }[]>();
  for (const r of rows) {
    const step = { enrollmentId: r.enrollment_id, stepIndex: r.step_index, at: new Date(r.scheduled_for) };
    const list = byOrganization.get(r.organization_id);
    if (list) list.push(step);
    else byOrganization.set(r.organization_id, [step]);
  }
  for (const [organizationId, steps] of byOrganization) await deps.queues.enqueueSequenceSteps(organizationId, steps);
  return rows.length;
}
