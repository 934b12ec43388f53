import { Lead, Organization, Sequence, SequenceEnrollment, SequenceStepRun } from '../../../entities/index.js';
import { EnrollmentSource, EnrollmentStatus, SequenceStatus, type LeadStatus } from '../../../entities/enums.js';
import type { LeadFilter } from '../../../entities/LeadRepository.js';
import type { Page, PageRequest } from '../../../entities/pagination.js';
import type { SequenceStep } from '../../../entities/SequenceStep.js';
import { ValidationError } from '../../platform/errors/index.js';
import * as v from '../../platform/validate.js';
import { timeZoneForState } from '../outreach/send-window.js';
import { findOrNotFound, requireActor, type ServiceScope } from '../scope.js';
import { EnrollmentTransitions } from './enrollment-state.js';
import { scheduleSteps } from './progress.js';
import { stepStats, type StepStats } from './sequence-stats.js';
import { nextAction, validateSteps } from './steps.js';

export interface SequenceFields {
  name?: string | null;
  description?: string | null;
  steps?: SequenceStep[] | null;
  exitOnReply?: boolean | null;
  exitOnOptOut?: boolean | null;
  exitOnDead?: boolean | null;
  exitOnDeal?: boolean | null;
  exitStatuses?: LeadStatus[] | null;
  windowStartHour?: number | null;
  windowEndHour?: number | null;
  frequencyCapHours?: number | null;
}

const MAX_ENROLL = 50_000;

/**
 * Sequences: versioned steps, enrollment (one lead, a list, a lead filter, or a rule), exits by hand
 * and by archive, and what they did (enrollments, timelines, per-step stats). Steps run in the
 * `sequence-step` job (SequenceRunner).
 */
export class SequenceService {
  constructor(private readonly scope: ServiceScope) {}

  get(id: string): Promise<Sequence> {
    return findOrNotFound(this.scope.em, Sequence, id, 'Sequence');
  }

  list(includeArchived: boolean): Promise<Sequence[]> {
    const where = includeArchived ? {} : { status: { $ne: SequenceStatus.ARCHIVED } };
    return this.scope.em.find(Sequence, where, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  async create(input: SequenceFields): Promise<Sequence> {
    const actor = requireActor(this.scope);
    const { em } = this.scope;
    const sequence = em.create(Sequence, { name: '', steps: [], createdById: actor.id });
    await this.apply(sequence, input, true);
    await em.transactional(async (tem) => {
      tem.persist(sequence);
      await tem.flush();
      await this.saveVersion(tem, sequence);
    });
    return sequence;
  }

  /** Saves the changes; new steps make a new version, which only enrollments made from now on run. */
  async update(id: string, input: SequenceFields): Promise<Sequence> {
    const sequence = await this.get(id);
    if (sequence.status === SequenceStatus.ARCHIVED) throw new ValidationError('This sequence is archived', 'id');
    const newSteps = input.steps != null;
    await this.apply(sequence, input, false);
    await this.scope.em.transactional(async (tem) => {
      if (newSteps) sequence.version++;
      tem.persist(sequence);
      await tem.flush();
      if (newSteps) await this.saveVersion(tem, sequence);
    });
    return sequence;
  }

  private async saveVersion(em: ServiceScope['em'], s: Sequence): Promise<void> {
    await em.execute(
      'insert into sequence_versions (organization_id, sequence_id, version, steps) values (?, ?, ?, ?::jsonb)',
      [s.organizationId, s.id, s.version, JSON.stringify(s.steps)],
    );
  }

  private async apply(s: Sequence, i: SequenceFields, creating: boolean): Promise<void> {
    if (creating || i.name != null) s.name = v.requiredText(i.name ?? '', 'input.name', 200);
    if (i.description !== undefined) s.description = v.optionalText(i.description, 'input.description', 2_000);
    if (i.windowStartHour != null) s.windowStartHour = v.intRange(i.windowStartHour, 'input.windowStartHour', 0, 23)!;
    if (i.windowEndHour != null) s.windowEndHour = v.intRange(i.windowEndHour, 'input.windowEndHour', 1, 24)!;
    if (s.windowStartHour === s.windowEndHour)
      throw new ValidationError('The sending window is empty (start = end)', 'input.windowEndHour');
    if (i.frequencyCapHours !== undefined)
      s.frequencyCapHours = v.intRange(i.frequencyCapHours, 'input.frequencyCapHours', 1, 8_760);
    for (const key of ['exitOnReply', 'exitOnOptOut', 'exitOnDead', 'exitOnDeal'] as const)
      if (i[key] != null) s[key] = i[key];
    if (i.exitStatuses != null) s.exitStatuses = [...new Set(i.exitStatuses)];
    if (creating || i.steps != null)
      s.steps = await validateSteps(this.scope.em, i.steps, { start: s.windowStartHour, end: s.windowEndHour });
  }

  /** Paused: steps that come due wait (their jobs do nothing) until resumed. */
  async pause(id: string): Promise<Sequence> {
    const sequence = await this.get(id);
    if (sequence.status !== SequenceStatus.ACTIVE)
      throw new ValidationError(`Only an ACTIVE sequence can be paused (this one is ${sequence.status})`, 'id');
    sequence.status = SequenceStatus.PAUSED;
    await this.scope.em.flush();
    return sequence;
  }

  /** Active again: steps that came due while paused are queued now, the rest at their times. */
  async resume(id: string): Promise<Sequence> {
    const sequence = await this.get(id);
    if (sequence.status !== SequenceStatus.PAUSED)
      throw new ValidationError(`Only a PAUSED sequence can be resumed (this one is ${sequence.status})`, 'id');
    sequence.status = SequenceStatus.ACTIVE;
    await this.scope.em.flush();
    const runs = await this.scope.em.find(
      SequenceStepRun,
      { sequenceId: sequence.id, status: 'SCHEDULED' as never },
      { fields: ['enrollmentId', 'stepIndex', 'scheduledFor'] as never },
    );
    const now = Date.now();
    await scheduleSteps(
      this.scope.deps,
      sequence.organizationId,
      runs.map((r) => ({
        enrollmentId: r.enrollmentId,
        index: r.stepIndex,
        at: new Date(Math.max(now, +r.scheduledFor)),
      })),
    );
    return sequence;
  }

  /** Archived: running enrollments end (ARCHIVED) and nothing new can be enrolled. */
  async archive(id: string): Promise<Sequence> {
    const sequence = await this.get(id);
    if (sequence.status === SequenceStatus.ARCHIVED) return sequence;
    Object.assign(sequence, { status: SequenceStatus.ARCHIVED, archivedAt: new Date() });
    await this.scope.em.flush();
    await new EnrollmentTransitions(this.scope.em).exit({ sequenceId: sequence.id }, 'ARCHIVED');
    return sequence;
  }

  /**
   * Enrolls leads — given ids, or every lead a filter matches (at most 50,000) — that are not in the
   * sequence already, and schedules each one's first step. Returns how many were enrolled and how
   * many were in it already.
   */
  async enroll(
    sequenceId: string,
    input: { leadIds?: string[] | null; filter?: LeadFilter | null },
    by: { source?: EnrollmentSource; ruleId?: string | null } = {},
  ): Promise<{ enrolled: number; alreadyEnrolled: number }> {
    const actor = requireActor(this.scope);
    const sequence = await this.get(sequenceId);
    if (sequence.status === SequenceStatus.ARCHIVED)
      throw new ValidationError('This sequence is archived; nothing can be enrolled', 'sequenceId');
    const leadIds = await this.leadsToEnroll(input);
    const source = by.source ?? (input.filter ? EnrollmentSource.FILTER : EnrollmentSource.MANUAL);
    const { em } = this.scope;
    const org = await em.findOneOrFail(Organization, { id: actor.organizationId }, { fields: ['timeZone'] as never });
    const steps: { enrollmentId: string; index: number; at: Date }[] = [];
    await em.transactional(async (tem) => {
      const t = new EnrollmentTransitions(tem);
      const made = await t.enroll(actor.organizationId, sequence, leadIds, {
        source,
        userId: by.ruleId ? null : actor.id,
        ruleId: by.ruleId ?? null,
      });
      const first = made.map((e) => {
        const zones = { lead: timeZoneForState(e.state), organization: org.timeZone };
        const next = nextAction(sequence.steps, 0, new Date(e.created_at), zones)!;
        return {
          enrollmentId: e.id,
          leadId: e.lead_id,
          index: next.index,
          kind: sequence.steps[next.index]!.type,
          at: next.at,
        };
      });
      await t.schedule(actor.organizationId, sequence.id, first);
      steps.push(...first);
    });
    await scheduleSteps(this.scope.deps, actor.organizationId, steps);
    return { enrolled: steps.length, alreadyEnrolled: leadIds.length - steps.length };
  }

  private async leadsToEnroll(input: { leadIds?: string[] | null; filter?: LeadFilter | null }): Promise<string[]> {
    const { em } = this.scope;
    if ((input.leadIds == null) === (input.filter == null))
      throw new ValidationError('Give leadIds or filter (one of them)', 'leadIds');
    if (input.leadIds) {
      if (!input.leadIds.length) throw new ValidationError('leadIds is empty', 'leadIds');
      if (input.leadIds.length > MAX_ENROLL)
        throw new ValidationError(`At most ${MAX_ENROLL} leads at once`, 'leadIds');
      const ids = [...new Set(input.leadIds.map((id, i) => v.uuid(id, `leadIds[${i}]`).toLowerCase()))];
      const found = await em.execute<{ id: string }[]>(
        `select l.id from (select jsonb_array_elements_text(?::jsonb)::uuid as id) k
           join leads l on l.id = k.id and l.organization_id = ?`,
        [JSON.stringify(ids), requireActor(this.scope).organizationId],
      );
      if (found.length !== ids.length) {
        const known = new Set(found.map((l) => l.id));
        throw new ValidationError(`No such lead: ${ids.find((id) => !known.has(id))}`, 'leadIds');
      }
      return ids;
    }
    const where = em.getRepository(Lead).where(v.listFilter(input.filter!, 'filter'));
    const leads = await em.find(Lead, where, { fields: ['id'] as never, limit: MAX_ENROLL + 1 });
    if (!leads.length) throw new ValidationError('The filter matches no leads', 'filter');
    if (leads.length > MAX_ENROLL)
      throw new ValidationError(`The filter matches more than ${MAX_ENROLL} leads`, 'filter');
    return leads.map((l) => l.id);
  }

  /** Takes a lead out of a sequence by hand (UNENROLLED); its scheduled step is cancelled. */
  async unenroll(sequenceId: string, leadId: string, reason = 'UNENROLLED'): Promise<SequenceEnrollment | null> {
    const sequence = await this.get(sequenceId);
    const enrollment = await this.scope.em.findOne(SequenceEnrollment, {
      sequenceId: sequence.id,
      leadId: v.isUuid(leadId) ? leadId.toLowerCase() : '00000000-0000-0000-0000-000000000000',
      status: EnrollmentStatus.ACTIVE,
    });
    if (!enrollment) return null;
    await new EnrollmentTransitions(this.scope.em).exit({ ids: [enrollment.id] }, reason);
    await this.scope.em.refresh(enrollment);
    return enrollment;
  }

  enrollments(sequenceId: string, status: EnrollmentStatus | null | undefined, page: PageRequest) {
    const actor = requireActor(this.scope);
    return this.get(sequenceId).then((s): Promise<Page<SequenceEnrollment>> =>
      this.scope.em.getRepository(SequenceEnrollment).page(actor.organizationId, s.id, status, page),
    );
  }

  enrollment(id: string): Promise<SequenceEnrollment> {
    return findOrNotFound(this.scope.em, SequenceEnrollment, id, 'SequenceEnrollment');
  }

  /** An enrollment's timeline: its steps in order, with what happened to each. */
  timeline(enrollmentId: string): Promise<SequenceStepRun[]> {
    return this.scope.em.find(SequenceStepRun, { enrollmentId }, { orderBy: { stepIndex: 'asc' } });
  }

  /** The version an enrollment runs, as steps. */
  async versionSteps(sequenceId: string, version: number): Promise<SequenceStep[]> {
    const [row] = await this.scope.em.execute<{ steps: SequenceStep[] }[]>(
      'select steps from sequence_versions where sequence_id = ? and version = ?',
      [sequenceId, version],
    );
    return row?.steps ?? [];
  }

  stats(sequence: Sequence): Promise<StepStats[]> {
    return stepStats(this.scope.em, sequence);
  }
}
