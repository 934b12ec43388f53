import type { AppDeps } from '../../platform/deps.js';
import { Topics } from '../../platform/pubsub.js';
import type { StepState } from './step-state.js';

/** Tells the organization's `sequenceProgress` subscribers what happened to one enrollment. */
export function announceProgress(
  deps: AppDeps,
  state: Pick<StepState, 'run'> & { lead: { organizationId: string } },
  status: string,
  reason: string | null,
): void {
  const organizationId = state.lead.organizationId;
  deps.pubsub.publish(Topics.SEQUENCES, organizationId, {
    organizationId,
    sequenceId: state.run.sequenceId,
    enrollmentId: state.run.enrollmentId,
    leadId: state.run.leadId,
    stepIndex: state.run.stepIndex,
    status,
    reason,
    at: new Date().toISOString(),
  });
}

/**
 * Queues steps at their times. The rows are written already (the outbox); when Redis cannot take
 * the jobs now, the worker's sweep (sequence-sweep.ts) queues what is overdue, so nothing is lost.
 */
export async function scheduleSteps(
  deps: AppDeps,
  organizationId: string,
  steps: { enrollmentId: string; index: number; at: Date }[],
): Promise<void> {
  try {
    await deps.queues.enqueueSequenceSteps(
      organizationId,
      steps.map((s) => ({ enrollmentId: s.enrollmentId, stepIndex: s.index, at: s.at })),
    );
  } catch (err) {
    deps.log.warn({ err: (err as Error).message, steps: steps.length }, 'sequence steps left for the sweep');
  }
}
