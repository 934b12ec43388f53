import type { EntityManager } from '@mikro-orm/postgresql';
import { Lead } from '../../../entities/index.js';
import type {
  ConsentStatus,
  EnrollmentStatus,
  SequenceStatus,
  SequenceStepStatus,
  SequenceStepType,
} from '../../../entities/enums.js';
import type { SequenceStep } from '../../../entities/SequenceStep.js';
import { contactDecisionSql } from '../outreach/ConsentService.js';

/** A step run at run time, with everything deciding what happens to it, read in one statement. */
export interface StepState {
  run: {
    id: string;
    status: SequenceStepStatus;
    kind: SequenceStepType;
    scheduledFor: Date;
    updatedAt: Date;
    enrollmentId: string;
    sequenceId: string;
    leadId: string;
    stepIndex: number;
  };
  enrollment: { status: EnrollmentStatus; currentStep: number | null };
  sequence: {
    name: string;
    status: SequenceStatus;
    windowStartHour: number;
    windowEndHour: number;
    exitOnOptOut: boolean;
    createdById: string | null;
  };
  steps: SequenceStep[];
  lead: Lead;
  propertyState: string | null;
  organization: { timeZone: string; smsNumber: string | null };
  /** The step's channel's contact point (email or E.164 phone), when the lead has one. */
  to: string | null;
  dnc: boolean;
  suppressed: boolean;
  consentStatus: ConsentStatus | null;
  /** The lead got another campaign or sequence message within the sequence's frequency cap. */
  capped: boolean;
}

const STEP_STATE_SQL = `
  with k as materialized (
    select * from json_to_recordset(?::json) as k(enrollment_id uuid, step_index int)),
  x as materialized (
    select r.*, case when r.kind = 'SMS' then 'SMS' else 'EMAIL' end::message_channel as ch,
           case when r.kind = 'SMS' then l.phone else l.email end as to_address
      from k
      join sequence_step_runs r on r.enrollment_id = k.enrollment_id and r.step_index = k.step_index
      join leads l on l.id = r.lead_id
     where r.organization_id = ?)
  select x.id, x.status, x.kind, x.scheduled_for, x.updated_at, x.enrollment_id, x.sequence_id, x.lead_id,
         x.step_index, x.to_address,
         e.status as enrollment_status, e.current_step,
         s.name, s.status as sequence_status, s.window_start_hour, s.window_end_hour, s.exit_on_opt_out,
         s.created_by_id, v.steps,
         l.first_name, l.last_name, l.email, l.phone, l.assigned_user_id, l.property_id, p.state,
         o.time_zone, o.sms_number,
         ${contactDecisionSql('x.ch', 'x.to_address')},
         s.frequency_cap_hours is not null and (
           exists (select 1 from campaign_recipients c
                    where c.organization_id = x.organization_id and c.lead_id = x.lead_id
                      and c.sent_at >= now() - make_interval(hours => s.frequency_cap_hours))
           or exists (select 1 from sequence_step_runs o2
                       where o2.lead_id = x.lead_id and o2.enrollment_id <> x.enrollment_id
                         and o2.sent_at >= now() - make_interval(hours => s.frequency_cap_hours))) as capped
    from x
    join sequence_enrollments e on e.id = x.enrollment_id
    join sequences s on s.id = x.sequence_id
    join sequence_versions v on v.sequence_id = s.id and v.version = e.version
    join leads l on l.id = x.lead_id
    left join properties p on p.id = l.property_id
    join organizations o on o.id = x.organization_id`;

/** The steps' states (those whose run exists), in one statement. */
export async function loadStepStates(
  em: EntityManager,
  organizationId: string,
  steps: { enrollmentId: string; stepIndex: number }[],
): Promise<StepState[]> {
  const keys = steps.map((s) => ({ enrollment_id: s.enrollmentId, step_index: s.stepIndex }));
  const rows = await em.execute<Record<string, unknown>[]>(STEP_STATE_SQL, [JSON.stringify(keys), organizationId]);
  return rows.map((row) => stateOf(row, organizationId));
}

function stateOf(row: Record<string, unknown>, organizationId: string): StepState {
  return {
    run: {
      id: row.id as string,
      status: row.status as SequenceStepStatus,
      kind: row.kind as SequenceStepType,
      scheduledFor: new Date(row.scheduled_for as string),
      updatedAt: new Date(row.updated_at as string),
      enrollmentId: row.enrollment_id as string,
      sequenceId: row.sequence_id as string,
      leadId: row.lead_id as string,
      stepIndex: row.step_index as number,
    },
    enrollment: { status: row.enrollment_status as EnrollmentStatus, currentStep: row.current_step as number | null },
    sequence: {
      name: row.name as string,
      status: row.sequence_status as SequenceStatus,
      windowStartHour: row.window_start_hour as number,
      windowEndHour: row.window_end_hour as number,
      exitOnOptOut: !!row.exit_on_opt_out,
      createdById: (row.created_by_id as string | null) ?? null,
    },
    steps: row.steps as SequenceStep[],
    lead: leadOf(row, organizationId),
    propertyState: (row.state as string | null) ?? null,
    organization: { timeZone: row.time_zone as string, smsNumber: (row.sms_number as string | null) ?? null },
    to: (row.to_address as string | null) ?? null,
    dnc: !!row.dnc,
    suppressed: !!row.suppressed,
    consentStatus: (row.consent_status as ConsentStatus | null) ?? null,
    capped: !!row.capped,
  };
}

function leadOf(row: Record<string, unknown>, organizationId: string): Lead {
  return Object.assign(new Lead(), {
    id: row.lead_id,
    organizationId,
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email ?? undefined,
    phone: row.phone ?? undefined,
    assignedUserId: row.assigned_user_id ?? undefined,
    propertyId: row.property_id ?? undefined,
  });
}
