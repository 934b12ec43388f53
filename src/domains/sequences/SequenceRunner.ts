import { createHash } from 'node:crypto';
import { Activity, MessageTemplate, OutboundMessage, Suppression, Task } from '../../../entities/index.js';
import {
  ActivityType,
  Direction,
  EnrollmentStatus,
  MessageChannel,
  MessageStatus,
  Role,
  SequenceStatus,
  SequenceStepStatus,
  SequenceStepType,
  SuppressionReason,
} from '../../../entities/enums.js';
import type { JobRun } from '../../platform/jobs/job-run.js';
import type { SequenceStepJob } from '../../platform/jobs/queues.js';
import { textToHtml } from '../../platform/mail/html.js';
import { isPermanentSmtpFailure } from '../../platform/mail/Mailer.js';
import { SmsSendError } from '../../platform/providers/sms/index.js';
import { contactBlock } from '../outreach/ConsentService.js';
import { nextWindowOpening, timeZoneForState } from '../outreach/send-window.js';
import { withOptOutNotice } from '../outreach/template.js';
import { loadSender, renderForLead } from '../outreach/TemplateService.js';
import type { ServiceScope } from '../scope.js';
import { TaskService } from '../tasks/TaskService.js';
import { EnrollmentTransitions } from './enrollment-state.js';
import { announceProgress, scheduleSteps } from './progress.js';
import { loadStepState, type StepState } from './step-state.js';
import { nextAction } from './steps.js';

type Outcome = 'SENT' | 'DONE' | 'SKIPPED' | 'FAILED';
export type StepResult = { status: SequenceStepStatus | 'GONE' | 'PAUSED' | 'DEFERRED' | 'WAITING' };

/**
 * The `sequence-step` job (workers/sequence-step.ts): runs one step of one enrollment at its time.
 * Nothing when the enrollment ended or moved on (exits take effect even if the job was queued),
 * nothing while the sequence is paused (resume schedules it again). A send is checked at send time
 * against the sending window in the lead's local time (deferred, with a job at the opening),
 * consent, do-not-contact, suppression and the frequency cap (skipped with the reason), then
 * claimed (SCHEDULED → SENDING, one worker wins) before the side effect. A worker that dies holding
 * a claim leaves it stale; the job's retry takes it over, asks the SMS provider whether the text went
 * (it never texts twice) and resends an email with the same Message-ID (receivers de-duplicate).
 * The step's end and the next step are written in one statement; the next step's job follows.
 */
export class SequenceRunner {
  private readonly transitions: EnrollmentTransitions;

  constructor(private readonly scope: ServiceScope) {
    this.transitions = new EnrollmentTransitions(scope.em);
  }

  async runStep(job: JobRun<SequenceStepJob>): Promise<StepResult> {
    const { organizationId, enrollmentId, stepIndex } = job.data;
    const state = await loadStepState(this.scope.em, organizationId, enrollmentId, stepIndex);
    if (!state) return { status: 'GONE' };
    const { run } = state;
    const staleBefore = new Date(Date.now() - this.scope.deps.config.sendClaimStaleMs);
    const sending = run.status === SequenceStepStatus.SENDING;
    if (run.status !== SequenceStepStatus.SCHEDULED && !sending) return { status: run.status };
    if (state.enrollment.status !== EnrollmentStatus.ACTIVE || state.enrollment.currentStep !== stepIndex) {
      await this.transitions.cancel(run.id, 'ENROLLMENT_ENDED');
      return { status: SequenceStepStatus.CANCELLED };
    }
    if (state.sequence.status !== SequenceStatus.ACTIVE) return { status: 'PAUSED' };
    if (sending && run.updatedAt >= staleBefore) {
      // Another worker holds the claim: look again when it would be stale.
      const at = new Date(run.updatedAt.getTime() + this.scope.deps.config.sendClaimStaleMs + 500);
      await this.scope.deps.queues.enqueueSequenceSteps([{ data: job.data, at }]);
      return { status: 'WAITING' };
    }
    if (!sending && run.scheduledFor.getTime() > Date.now() + 1_000) return { status: 'WAITING' }; // moved later
    const step = state.steps[stepIndex]!;
    if (step.type === SequenceStepType.TASK) return this.runTask(state, staleBefore);
    return this.runSend(state, staleBefore);
  }

  /** After the job's last attempt: the step is FAILED and the enrollment goes on to the next one. */
  async gaveUp(data: SequenceStepJob, error: string): Promise<void> {
    const state = await loadStepState(this.scope.em, data.organizationId, data.enrollmentId, data.stepIndex);
    if (state) await this.finish(state, 'FAILED', { error });
  }

  private async runSend(state: StepState, staleBefore: Date): Promise<StepResult> {
    const { run, sequence } = state;
    if (!state.to) return this.finish(state, 'SKIPPED', { reason: 'NO_ADDRESS' });
    if (run.status === SequenceStepStatus.SCHEDULED) {
      const zone = timeZoneForState(state.propertyState);
      const opens = nextWindowOpening(new Date(), zone, sequence.windowStartHour, sequence.windowEndHour);
      if (opens) {
        await this.transitions.defer(run.id, run.enrollmentId, opens);
        await scheduleSteps(this.scope.deps, state.lead.organizationId, [
          { enrollmentId: run.enrollmentId, index: run.stepIndex, at: opens },
        ]);
        announceProgress(this.scope.deps, state, 'SCHEDULED', 'QUIET_HOURS_DEFERRED');
        return { status: 'DEFERRED' };
      }
      const blocked = contactBlock(state.dnc, state.consentStatus, state.suppressed);
      if (blocked === 'OPTED_OUT' && sequence.exitOnOptOut) {
        await this.transitions.exit({ ids: [run.enrollmentId] }, 'OPTED_OUT');
        announceProgress(this.scope.deps, state, 'EXITED', 'OPTED_OUT');
        return { status: SequenceStepStatus.CANCELLED };
      }
      if (blocked) return this.finish(state, 'SKIPPED', { reason: blocked });
      if (state.capped) return this.finish(state, 'SKIPPED', { reason: 'FREQUENCY_CAP' });
      if (run.kind === SequenceStepType.SMS && !state.organization.smsNumber)
        return this.finish(state, 'FAILED', { error: 'The organization has no SMS number' });
    }
    if (!(await this.transitions.claim(run.id, staleBefore))) return { status: 'WAITING' };
    const template = await this.scope.em.findOne(MessageTemplate, { id: state.steps[run.stepIndex]!.templateId! });
    if (!template) return this.finish(state, 'FAILED', { error: 'The template was deleted' });
    const sender = await loadSender(this.scope.em, sequence.createdById, state.lead.organizationId);
    const rendered = await renderForLead(this.scope.em, template, state.lead, sender);
    const body = run.kind === SequenceStepType.SMS ? withOptOutNotice(rendered.body) : rendered.body;
    const message = { subject: rendered.subject ?? null, body, templateId: template.id };
    try {
      const providerMessageId = await this.deliver(state, message, run.status === SequenceStepStatus.SENDING);
      return await this.recordSent(state, message, providerMessageId);
    } catch (err) {
      return this.failed(state, err as Error);
    }
  }

  private async deliver(
    state: StepState,
    message: { subject: string | null; body: string },
    takeover: boolean,
  ): Promise<string> {
    const { deps } = this.scope;
    const { run, lead } = state;
    if (run.kind === SequenceStepType.SMS) {
      const from = state.organization.smsNumber!;
      const sms = { from, to: state.to!, body: message.body };
      const earlier = takeover ? await deps.sms.findSent({ ...sms, since: run.updatedAt }) : null;
      if (earlier) return earlier;
      const statusCallbackUrl = `${deps.config.publicUrl}/webhooks/twilio/status?org=${lead.organizationId}`;
      return (await deps.sms.send({ organizationId: lead.organizationId, ...sms, statusCallbackUrl }))
        .providerMessageId;
    }
    return deps.mailer.send({
      from: deps.config.mailFrom,
      to: state.to!,
      subject: message.subject ?? '',
      text: message.body,
      html: textToHtml(message.body),
      messageId: `<${run.id}@${lead.organizationId}.realestateos>`,
      headers: { 'X-Reos-Sequence-Id': run.sequenceId, 'X-Reos-Step-Run-Id': run.id },
    });
  }

  /** The message on the lead's conversation and timeline, the step SENT and the next step, in one transaction. */
  private async recordSent(
    state: StepState,
    message: { subject: string | null; body: string; templateId: string },
    providerMessageId: string,
  ): Promise<StepResult> {
    const { run } = state;
    const sms = run.kind === SequenceStepType.SMS;
    const sentAt = new Date();
    const messageId = derivedId(run.id, 'message');
    await this.scope.em.transactional(async (em) => {
      em.create(OutboundMessage, {
        id: messageId,
        leadId: run.leadId,
        templateId: message.templateId,
        channel: sms ? MessageChannel.SMS : MessageChannel.EMAIL,
        toAddress: state.to!,
        subject: message.subject ?? undefined,
        body: message.body,
        status: MessageStatus.SENT,
        providerMessageId,
        sentAt,
        sentById: state.sequence.createdById ?? undefined,
      });
      em.create(Activity, {
        leadId: run.leadId,
        type: sms ? ActivityType.SMS : ActivityType.EMAIL,
        direction: Direction.OUTBOUND,
        body: message.subject ? `${message.subject}\n\n${message.body}` : message.body,
        outcome: `SENT (sequence ${state.sequence.name})`,
        occurredAt: sentAt,
        userId: state.sequence.createdById ?? undefined,
      });
      await em.flush();
      await new EnrollmentTransitions(em).finish(
        run,
        { status: 'SENT' },
        { messageId, sentAt },
        this.next(state, sentAt),
      );
    });
    await this.afterFinish(state, 'SENT', null, sentAt);
    return { status: SequenceStepStatus.SENT };
  }

  /** Refused for good: FAILED (the address suppressed) and on to the next step. Otherwise released for the retry. */
  private async failed(state: StepState, err: Error): Promise<StepResult> {
    const sms = state.run.kind === SequenceStepType.SMS;
    const permanent = err instanceof SmsSendError ? err.permanent : isPermanentSmtpFailure(err);
    if (!permanent) {
      await this.transitions.release(state.run.id, err.message);
      throw err;
    }
    await this.scope.em
      .getRepository(Suppression)
      .suppress(
        state.lead.organizationId,
        sms ? MessageChannel.SMS : MessageChannel.EMAIL,
        state.to!,
        SuppressionReason.HARD_BOUNCE,
        err.message,
      );
    return this.finish(state, 'FAILED', { error: err.message });
  }

  /**
   * A task for the step's user, else the lead's assignee, else the sequence's author. Its id is
   * derived from the step, so a takeover after a crash finds the task instead of making another.
   */
  private async runTask(state: StepState, staleBefore: Date): Promise<StepResult> {
    const { run, lead, sequence } = state;
    if (!(await this.transitions.claim(run.id, staleBefore))) return { status: 'WAITING' };
    const taskId = derivedId(run.id, 'task');
    if (!(await this.scope.em.count(Task, { id: taskId }))) {
      const step = state.steps[run.stepIndex]!;
      const assigneeId = step.taskAssigneeId ?? lead.assignedUserId ?? sequence.createdById;
      if (!assigneeId) return this.finish(state, 'SKIPPED', { reason: 'NO_ASSIGNEE' });
      const actor = { id: sequence.createdById ?? assigneeId, organizationId: lead.organizationId, role: Role.ADMIN };
      try {
        await new TaskService({ ...this.scope, actor }).create(
          {
            title: step.taskTitle!,
            notes: `From the sequence "${sequence.name}"`,
            leadId: lead.id,
            assigneeId,
            dueAt: new Date(Date.now() + (step.taskDueInHours ?? 0) * 3_600_000),
          },
          { id: taskId },
        );
      } catch (err) {
        if ((err as { code?: string }).code !== 'BAD_USER_INPUT') throw err;
        return this.finish(state, 'SKIPPED', { reason: 'ASSIGNEE_DEACTIVATED', error: (err as Error).message });
      }
    }
    return this.finish(state, 'DONE', { taskId });
  }

  private next(state: StepState, after: Date) {
    const zones = { lead: timeZoneForState(state.propertyState), organization: state.organization.timeZone };
    const next = nextAction(state.steps, state.run.stepIndex + 1, after, zones);
    return next ? { ...next, kind: state.steps[next.index]!.type } : null;
  }

  private async finish(
    state: StepState,
    status: Outcome,
    detail: { reason?: string; error?: string; taskId?: string },
  ): Promise<StepResult> {
    const now = new Date();
    const next = this.next(state, now);
    const links = { taskId: detail.taskId ?? null };
    if (await this.transitions.finish(state.run, { status, ...detail }, links, next))
      await this.afterFinish(state, status, detail.reason ?? null, now);
    return { status: status as SequenceStepStatus };
  }

  private async afterFinish(state: StepState, status: Outcome, reason: string | null, at: Date): Promise<void> {
    announceProgress(this.scope.deps, state, status, reason);
    const next = this.next(state, at);
    if (next)
      await scheduleSteps(this.scope.deps, state.lead.organizationId, [
        { enrollmentId: state.run.enrollmentId, index: next.index, at: next.at },
      ]);
    else announceProgress(this.scope.deps, state, EnrollmentStatus.COMPLETED, null);
  }
}

/** A stable id for what a step run makes (its message, its task), so a takeover can find it. */
function derivedId(runId: string, what: string): string {
  const h = createHash('sha256').update(`${runId}:${what}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
