import { createHash } from 'node:crypto';
import { Task } from '../../../entities/index.js';
import {
  EnrollmentStatus,
  Role,
  SequenceStatus,
  SequenceStepStatus,
  SequenceStepType,
} from '../../../entities/enums.js';
import type { JobRun } from '../../platform/jobs/job-run.js';
import type { SequenceStepJob } from '../../platform/jobs/queues.js';
import { contactBlock } from '../outreach/ConsentService.js';
import { nextWindowOpening, timeZoneForState } from '../outreach/send-window.js';
import type { ServiceScope } from '../scope.js';
import { TaskService } from '../tasks/TaskService.js';
import { EnrollmentTransitions, type StepEnd } from './enrollment-state.js';
import { announceProgress, scheduleSteps } from './progress.js';
import { sendClaimed, type SendOutcome } from './step-sender.js';
import { loadStepStates, type StepState } from './step-state.js';
import { nextAction } from './steps.js';

type Ending = Omit<StepEnd, 'run' | 'next'>;

/**
 * The `sequence-step` job (workers/sequence-step.ts): the steps of a batch (enrollments whose step
 * is due at the same time) at their time. For each: nothing when the enrollment ended or moved on
 * (exits take effect even if the job was queued), nothing while the sequence is paused (resume
 * schedules it again); a send is checked at send time against the sending window in the lead's
 * local time (deferred, with a job at the opening), consent, do-not-contact, suppression and the
 * frequency cap (skipped with the reason). The sends left are claimed in one statement
 * (SCHEDULED → SENDING; one worker wins) before the side effect, sent concurrently
 * (step-sender.ts), and recorded — message, timeline entry, step SENT and the next step — in one
 * transaction; the next steps' jobs follow. A worker that dies holding claims leaves them stale;
 * the job's retry takes them over after SEND_CLAIM_STALE_MS.
 */
export class SequenceRunner {
  private readonly transitions: EnrollmentTransitions;

  constructor(private readonly scope: ServiceScope) {
    this.transitions = new EnrollmentTransitions(scope.em);
  }

  async runSteps(job: JobRun<SequenceStepJob>): Promise<{ sent: number; other: number }> {
    const states = await loadStepStates(this.scope.em, job.data.organizationId, job.data.steps);
    const staleBefore = new Date(Date.now() - this.scope.deps.config.sendClaimStaleMs);
    const sends: StepState[] = [];
    let retry: Error | null = null;
    for (const state of states) {
      try {
        const ready = await this.triage(state, staleBefore);
        if (ready === 'SEND') sends.push(state);
        if (ready === 'TASK') await this.runTask(state, staleBefore);
      } catch (err) {
        retry ??= err as Error;
      }
    }
    const sent = await this.send(sends, staleBefore);
    retry ??= sent.retry;
    if (retry) throw retry; // after recording what was done; the retry runs only what is still due
    return { sent: sent.count, other: states.length - sent.count };
  }

  /** After the job's last attempt: its steps still due are FAILED and their enrollments go on. */
  async gaveUp(data: SequenceStepJob, error: string): Promise<void> {
    const states = await loadStepStates(this.scope.em, data.organizationId, data.steps);
    const due = states.filter((s) => s.enrollment.status === EnrollmentStatus.ACTIVE);
    await this.finish(due.map((state) => ({ state, ending: { status: 'FAILED', error } })));
  }

  /** What to do with one step now: run it ('SEND', 'TASK') or nothing more (it was decided here). */
  private async triage(state: StepState, staleBefore: Date): Promise<'SEND' | 'TASK' | null> {
    const { run, sequence } = state;
    const sending = run.status === SequenceStepStatus.SENDING;
    if (run.status !== SequenceStepStatus.SCHEDULED && !sending) return null;
    if (state.enrollment.status !== EnrollmentStatus.ACTIVE || state.enrollment.currentStep !== run.stepIndex) {
      await this.transitions.cancel(run.id, 'ENROLLMENT_ENDED');
      return null;
    }
    if (sequence.status !== SequenceStatus.ACTIVE) return null; // paused: resume schedules it again
    if (sending && run.updatedAt >= staleBefore) {
      // Another worker holds the claim: look again when it would be stale.
      const at = new Date(run.updatedAt.getTime() + this.scope.deps.config.sendClaimStaleMs + 500);
      await this.reschedule(state, at);
      return null;
    }
    if (!sending && run.scheduledFor.getTime() > Date.now() + 1_000) return null; // moved later; its own job
    if (run.kind === SequenceStepType.TASK) return 'TASK';
    return sending ? 'SEND' : this.checkSend(state);
  }

  /** The send-time checks: sending window, contact point, consent, do-not-contact, suppression, cap. */
  private async checkSend(state: StepState): Promise<'SEND' | null> {
    const { run, sequence } = state;
    const zone = timeZoneForState(state.propertyState);
    const opens = nextWindowOpening(new Date(), zone, sequence.windowStartHour, sequence.windowEndHour);
    const end = (ending: Ending) => this.finish([{ state, ending }]).then(() => null);
    if (!state.to) return end({ status: 'SKIPPED', reason: 'NO_ADDRESS' });
    if (opens) {
      await this.transitions.defer(run.id, run.enrollmentId, opens);
      await this.reschedule(state, opens);
      announceProgress(this.scope.deps, state, 'SCHEDULED', 'QUIET_HOURS_DEFERRED');
      return null;
    }
    const blocked = contactBlock(state.dnc, state.consentStatus, state.suppressed);
    if (blocked === 'OPTED_OUT' && sequence.exitOnOptOut) {
      await this.transitions.exit({ ids: [run.enrollmentId] }, 'OPTED_OUT');
      announceProgress(this.scope.deps, state, EnrollmentStatus.EXITED, 'OPTED_OUT');
      return null;
    }
    if (blocked) return end({ status: 'SKIPPED', reason: blocked });
    if (state.capped) return end({ status: 'SKIPPED', reason: 'FREQUENCY_CAP' });
    if (run.kind === SequenceStepType.SMS && !state.organization.smsNumber)
      return end({ status: 'FAILED', error: 'The organization has no SMS number' });
    return 'SEND';
  }

  /** Claims the sends in one statement, sends what this worker won, and records the outcomes. */
  private async send(states: StepState[], staleBefore: Date): Promise<{ count: number; retry: Error | null }> {
    const won = await this.transitions.claim(
      states.map((s) => s.run.id),
      staleBefore,
    );
    const outcomes = await sendClaimed(
      this.scope,
      states.filter((s) => won.has(s.run.id)),
    );
    let retry: Error | null = null;
    for (const o of outcomes)
      if ('retry' in o) {
        await this.transitions.release(o.state.run.id, o.retry.message);
        retry ??= o.retry;
      }
    await this.finish(outcomes.flatMap((o) => ('refused' in o ? [{ state: o.state, ending: failed(o) }] : [])));
    const sent = outcomes.filter((o): o is Extract<SendOutcome, { sent: unknown }> => 'sent' in o);
    await this.recordSent(sent);
    return { count: sent.length, retry };
  }

  /** The messages on the leads' conversations and timelines, the steps SENT and the next steps: one statement. */
  private async recordSent(sent: Extract<SendOutcome, { sent: unknown }>[]): Promise<void> {
    if (!sent.length) return;
    const at = new Date();
    const organizationId = sent[0]!.state.lead.organizationId;
    const rows = sent.map(({ state, sent: s }) => ({ state, s, messageId: derivedId(state.run.id, 'message') }));
    await this.transitions.finish(
      organizationId,
      rows.map(({ state, messageId }) => ({
        run: state.run,
        status: 'SENT',
        messageId,
        sentAt: at,
        next: next(state, at),
      })),
      { at, rows: rows.map(messageRow) },
    );
    await this.afterFinish(rows.map(({ state }) => ({ state, status: 'SENT', reason: null, at })));
  }

  /**
   * A task for the step's user, else the lead's assignee, else the sequence's author. Its id is
   * derived from the step, so a takeover after a crash finds the task instead of making another.
   */
  private async runTask(state: StepState, staleBefore: Date): Promise<void> {
    const { run, lead, sequence } = state;
    if (!(await this.transitions.claim([run.id], staleBefore)).size) return;
    const taskId = derivedId(run.id, 'task');
    const end = (ending: Ending) => this.finish([{ state, ending }]);
    if (!(await this.scope.em.count(Task, { id: taskId }))) {
      const step = state.steps[run.stepIndex]!;
      const assigneeId = step.taskAssigneeId ?? lead.assignedUserId ?? sequence.createdById;
      if (!assigneeId) return end({ status: 'SKIPPED', reason: 'NO_ASSIGNEE' });
      const actor = { id: sequence.createdById ?? assigneeId, organizationId: lead.organizationId, role: Role.ADMIN };
      const dueAt = new Date(Date.now() + (step.taskDueInHours ?? 0) * 3_600_000);
      const task = {
        title: step.taskTitle!,
        notes: `From the sequence "${sequence.name}"`,
        leadId: lead.id,
        assigneeId,
        dueAt,
      };
      try {
        await new TaskService({ ...this.scope, actor }).create(task, { id: taskId });
      } catch (err) {
        if ((err as { code?: string }).code !== 'BAD_USER_INPUT') {
          await this.transitions.release(run.id, (err as Error).message);
          throw err;
        }
        return end({ status: 'SKIPPED', reason: 'ASSIGNEE_DEACTIVATED', error: (err as Error).message });
      }
    }
    return end({ status: 'DONE', taskId });
  }

  private async finish(items: { state: StepState; ending: Ending }[]): Promise<void> {
    if (!items.length) return;
    const at = new Date();
    const organizationId = items[0]!.state.lead.organizationId;
    const ended = await this.transitions.finish(
      organizationId,
      items.map(({ state, ending }) => ({ ...ending, run: state.run, next: next(state, at) })),
    );
    await this.afterFinish(
      items
        .filter(({ state }) => ended.has(state.run.id))
        .map(({ state, ending }) => ({ state, status: ending.status, reason: ending.reason ?? null, at })),
    );
  }

  /** Tells subscribers, and queues the next steps (the rows are written; the sweep covers a failed enqueue). */
  private async afterFinish(items: { state: StepState; status: string; reason: string | null; at: Date }[]) {
    const upcoming: { enrollmentId: string; index: number; at: Date }[] = [];
    for (const { state, status, reason, at } of items) {
      announceProgress(this.scope.deps, state, status, reason);
      const n = next(state, at);
      if (n) upcoming.push({ enrollmentId: state.run.enrollmentId, index: n.index, at: n.at });
      else announceProgress(this.scope.deps, state, EnrollmentStatus.COMPLETED, null);
    }
    if (upcoming.length) await scheduleSteps(this.scope.deps, items[0]!.state.lead.organizationId, upcoming);
  }

  private reschedule(state: StepState, at: Date): Promise<void> {
    const step = { enrollmentId: state.run.enrollmentId, index: state.run.stepIndex, at };
    return scheduleSteps(this.scope.deps, state.lead.organizationId, [step]);
  }
}

/** The step after this one, with the waits between folded into its time. */
function next(state: StepState, after: Date): StepEnd['next'] {
  const zones = { lead: timeZoneForState(state.propertyState), organization: state.organization.timeZone };
  const n = nextAction(state.steps, state.run.stepIndex + 1, after, zones);
  return n ? { ...n, kind: state.steps[n.index]!.type } : null;
}

function failed(o: Extract<SendOutcome, { refused: string }>): Ending {
  return { status: 'FAILED', error: o.refused };
}

function messageRow({
  state,
  s,
  messageId,
}: {
  state: StepState;
  s: { message: { subject: string | null; body: string; templateId: string }; providerMessageId: string };
  messageId: string;
}) {
  const sms = state.run.kind === SequenceStepType.SMS;
  return {
    id: messageId,
    lead_id: state.run.leadId,
    template_id: s.message.templateId,
    channel: sms ? ('SMS' as const) : ('EMAIL' as const),
    to_address: state.to,
    subject: s.message.subject,
    body: s.message.body,
    provider_message_id: s.providerMessageId,
    sent_by_id: state.sequence.createdById,
    activity_id: derivedId(state.run.id, 'activity'),
    outcome: `SENT (sequence ${state.sequence.name})`,
  };
}

/** A stable id for what a step run makes (its message, its task), so a takeover can find it. */
function derivedId(runId: string, what: string): string {
  const h = createHash('sha256').update(`${runId}:${what}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
