import type { EntityManager } from '@mikro-orm/postgresql';
import { EnrollmentSource, SequenceStepType } from '../../../entities/enums.js';

/** How one step ended, what it made, and the step after it (none: the enrollment is complete). */
export interface StepEnd {
  run: { id: string; enrollmentId: string; sequenceId: string; leadId: string; stepIndex: number };
  status: 'SENT' | 'DONE' | 'SKIPPED' | 'FAILED';
  reason?: string | null;
  error?: string | null;
  messageId?: string | null;
  taskId?: string | null;
  sentAt?: Date | null;
  next: { index: number; kind: SequenceStepType; at: Date } | null;
}

/**
 * What the sends of a batch made, written in the statement that marks them SENT (one statement, so
 * no transaction round trips): the messages on the leads' conversations and their timeline entries.
 */
export interface SentMessages {
  at: Date;
  rows: {
    id: string;
    lead_id: string;
    template_id: string;
    channel: 'SMS' | 'EMAIL';
    to_address: string | null;
    subject: string | null;
    body: string;
    provider_message_id: string;
    sent_by_id: string | null;
    activity_id: string;
    outcome: string;
  }[];
}

const SENT_MESSAGES_SQL = `
  sm as (select * from json_to_recordset(?::json) as x(
           id uuid, lead_id uuid, template_id uuid, channel message_channel, to_address text, subject text,
           body text, provider_message_id text, sent_by_id uuid, activity_id uuid, outcome text)),
  sm_messages as (
    insert into outbound_messages (id, organization_id, lead_id, template_id, channel, to_address, subject, body,
                                   status, provider_message_id, sent_at, sent_by_id)
    select id, ?, lead_id, template_id, channel, to_address, subject, body, 'SENT', provider_message_id, ?, sent_by_id
      from sm on conflict (id) do nothing),
  sm_activities as (
    insert into activities (id, organization_id, lead_id, type, direction, body, outcome, occurred_at, user_id)
    select activity_id, ?, lead_id, channel::text::activity_type, 'OUTBOUND',
           case when subject is null then body else subject || E'\\n\\n' || body end, outcome, ?, sent_by_id
      from sm on conflict (id) do nothing),`;

function endRow(e: StepEnd) {
  return {
    run_id: e.run.id,
    enrollment_id: e.run.enrollmentId,
    sequence_id: e.run.sequenceId,
    lead_id: e.run.leadId,
    step_index: e.run.stepIndex,
    status: e.status,
    reason: e.reason ?? null,
    error: e.error?.slice(0, 500) ?? null,
    message_id: e.messageId ?? null,
    task_id: e.taskId ?? null,
    sent_at: e.sentAt?.toISOString() ?? null,
    next_index: e.next?.index ?? null,
    next_kind: e.next?.kind ?? null,
    next_at: e.next?.at.toISOString() ?? null,
  };
}

/**
 * The enrollment and step-run state machine — the one module that changes
 * `sequence_enrollments.status`/`current_step` and `sequence_step_runs.status` (besides the exit
 * triggers of the sequences migration, which end enrollments on a reply, opt-out, DEAD, a deal or a
 * chosen status):
 *
 *   enrollment  ACTIVE ─last step done→ COMPLETED
 *                  └─exit (trigger, unenroll, archive, opt-out seen at send time)→ EXITED
 *   step run    SCHEDULED ─claim→ SENDING ─sent→ SENT (TASK: DONE)
 *                  │           └─transient failure→ SCHEDULED   └─refused for good→ FAILED
 *                  ├─consent, DNC, suppression, frequency cap, no address→ SKIPPED
 *                  ├─sending window→ SCHEDULED (reason QUIET_HOURS_DEFERRED, later scheduled_for)
 *                  └─enrollment ended→ CANCELLED
 *
 * Each change is one conditional statement on the state it leaves, so concurrent workers, retries,
 * duplicate jobs and replays cannot move a step twice; the step after is written in the same
 * statement that finishes one, and only while the enrollment is still ACTIVE on that step.
 */
export class EnrollmentTransitions {
  constructor(private readonly em: EntityManager) {}

  /**
   * New ACTIVE enrollments for the leads not already active in the sequence (the partial unique
   * index decides under concurrency). Returns the new enrollments with their lead's property state.
   */
  async enroll(
    organizationId: string,
    sequence: { id: string; version: number },
    leadIds: string[],
    by: { source: EnrollmentSource; userId: string | null; ruleId: string | null },
  ): Promise<{ id: string; lead_id: string; state: string | null; created_at: Date }[]> {
    if (!leadIds.length) return [];
    return this.em.execute(
      // Joins of the given ids with tables (by index), never of one CTE with another: the planner cannot
      // estimate a CTE and would compare every row with every row; and no "id = any(array(…))" of a
      // non-constant array, which is searched linearly per row.
      `with k as (select distinct jsonb_array_elements_text(?::jsonb)::uuid as id),
            ins as (
              insert into sequence_enrollments (id, organization_id, sequence_id, version, lead_id, status, source,
                                                enrolled_by_id, rule_id)
              select gen_random_uuid(), ?, ?, ?, l.id, 'ACTIVE', ?, ?, ?
                from k join leads l on l.id = k.id and l.organization_id = ?
              on conflict (sequence_id, lead_id) where status = 'ACTIVE' do nothing
              returning id, lead_id, created_at)
       select ins.id, ins.lead_id, p.state, ins.created_at
         from ins join leads l on l.id = ins.lead_id left join properties p on p.id = l.property_id`,
      [
        JSON.stringify(leadIds),
        organizationId,
        sequence.id,
        sequence.version,
        by.source,
        by.userId,
        by.ruleId,
        organizationId,
      ],
    );
  }

  /** Writes the first (or next) scheduled step of many enrollments, and points each enrollment at it. */
  async schedule(
    organizationId: string,
    sequenceId: string,
    rows: { enrollmentId: string; leadId: string; index: number; kind: SequenceStepType; at: Date }[],
  ): Promise<void> {
    if (!rows.length) return;
    await this.em.execute(
      `with d as (select * from json_to_recordset(?::json)
                    as x(enrollment_id uuid, lead_id uuid, step_index int, kind text, at timestamptz)),
            e as (update sequence_enrollments e set current_step = d.step_index, next_step_at = d.at, updated_at = now()
                    from d where e.id = d.enrollment_id and e.organization_id = ? and e.status = 'ACTIVE'
                  returning e.id, d.lead_id, d.step_index, d.kind, d.at)
       insert into sequence_step_runs (id, organization_id, enrollment_id, sequence_id, lead_id, step_index, kind,
                                       status, scheduled_for)
       select gen_random_uuid(), ?, e.id, ?, e.lead_id, e.step_index, e.kind, 'SCHEDULED', e.at from e
       on conflict (enrollment_id, step_index) do nothing`,
      [
        JSON.stringify(
          rows.map((r) => ({
            enrollment_id: r.enrollmentId,
            lead_id: r.leadId,
            step_index: r.index,
            kind: r.kind,
            at: r.at.toISOString(),
          })),
        ),
        organizationId,
        organizationId,
        sequenceId,
      ],
    );
  }

  /** SCHEDULED → SENDING, or a stale SENDING (its worker died) taken over, in one statement; returns the ids won. */
  async claim(runIds: string[], staleBefore: Date): Promise<Set<string>> {
    if (!runIds.length) return new Set();
    const rows = await this.em.execute<{ id: string }[]>(
      `update sequence_step_runs set status = 'SENDING', updated_at = now()
        where id = any(array(select jsonb_array_elements_text(?::jsonb)::uuid))
          and (status = 'SCHEDULED' or (status = 'SENDING' and updated_at < ?))
        returning id`,
      [JSON.stringify(runIds), staleBefore],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** A claimed step that could not be sent this time (a transient failure): SCHEDULED again for the retry. */
  async release(runId: string, error: string): Promise<void> {
    await this.em.execute(
      `update sequence_step_runs set status = 'SCHEDULED', error = ?, updated_at = now()
        where id = ? and status = 'SENDING'`,
      [error.slice(0, 500), runId],
    );
  }

  /** Waits for the sending window: the run and its enrollment move to `until`. */
  async defer(runId: string, enrollmentId: string, until: Date): Promise<void> {
    await this.em.execute(
      `with r as (update sequence_step_runs set scheduled_for = ?, reason = 'QUIET_HOURS_DEFERRED', updated_at = now()
                   where id = ? and status = 'SCHEDULED' returning id)
       update sequence_enrollments set next_step_at = ?, updated_at = now()
        where id = ? and status = 'ACTIVE' and exists (select 1 from r)`,
      [until, runId, until, enrollmentId],
    );
  }

  /**
   * Ends steps (SENT, DONE, SKIPPED, FAILED from SCHEDULED or SENDING) and, in the same statement,
   * moves each enrollment on: to its next step (written SCHEDULED) or COMPLETED when none is left.
   * Returns the ids of the runs it ended (a run ended already is left as it is).
   */
  async finish(organizationId: string, items: StepEnd[], sent?: SentMessages): Promise<Set<string>> {
    if (!items.length) return new Set();
    const rows = await this.em.execute<{ id: string }[]>(
      `with ${sent ? SENT_MESSAGES_SQL : ''} d as (
         select * from json_to_recordset(?::json) as x(
           run_id uuid, enrollment_id uuid, sequence_id uuid, lead_id uuid, step_index int, status text, reason text,
           error text, message_id uuid, task_id uuid, sent_at timestamptz, next_index int, next_kind text,
           next_at timestamptz)),
       r as (
         update sequence_step_runs s
            set status = d.status::sequence_step_status, reason = d.reason, error = d.error, message_id = d.message_id,
                task_id = d.task_id, sent_at = d.sent_at, updated_at = now()
           from d where s.id = d.run_id and s.organization_id = ? and s.status in ('SCHEDULED', 'SENDING')
         returning d.*),
       e as (
         update sequence_enrollments e
            set current_step = r.next_index, next_step_at = r.next_at,
                status = case when r.next_index is null then 'COMPLETED'::enrollment_status else e.status end,
                finished_at = case when r.next_index is null then now() end, updated_at = now()
           from r where e.id = r.enrollment_id and e.status = 'ACTIVE' and e.current_step = r.step_index
         returning r.*),
       n as (
         insert into sequence_step_runs (id, organization_id, enrollment_id, sequence_id, lead_id, step_index, kind,
                                         status, scheduled_for)
         select gen_random_uuid(), ?, e.enrollment_id, e.sequence_id, e.lead_id, e.next_index, e.next_kind,
                'SCHEDULED', e.next_at
           from e where e.next_index is not null
         on conflict (enrollment_id, step_index) do nothing)
       select run_id as id from r`,
      [
        ...(sent ? [JSON.stringify(sent.rows), organizationId, sent.at, organizationId, sent.at] : []),
        JSON.stringify(items.map(endRow)),
        organizationId,
        organizationId,
      ],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** ACTIVE → EXITED with the reason, for some enrollments or all of a sequence's; their scheduled steps CANCELLED. */
  async exit(where: { ids: string[] } | { sequenceId: string }, reason: string): Promise<number> {
    const byIds = 'ids' in where;
    const rows = await this.em.execute<{ id: string }[]>(
      `with ended as (
         update sequence_enrollments
            set status = 'EXITED', exit_reason = ?, finished_at = now(), current_step = null, next_step_at = null,
                updated_at = now()
          where status = 'ACTIVE' and ${
            byIds ? 'id = any(array(select jsonb_array_elements_text(?::jsonb)::uuid))' : 'sequence_id = ?'
          }
         returning id),
       c as (update sequence_step_runs r set status = 'CANCELLED', reason = ?, updated_at = now()
               from ended where r.enrollment_id = ended.id and r.status = 'SCHEDULED')
       select id from ended`,
      [reason, byIds ? JSON.stringify(where.ids) : where.sequenceId, reason],
    );
    return rows.length;
  }

  /** A run whose enrollment ended or moved on: SCHEDULED → CANCELLED. */
  async cancel(runId: string, reason: string): Promise<void> {
    await this.em.execute(
      `update sequence_step_runs set status = 'CANCELLED', reason = ?, updated_at = now()
        where id = ? and status = 'SCHEDULED'`,
      [reason, runId],
    );
  }
}
