import type { EntityManager } from '@mikro-orm/postgresql';
import { MessageTemplate, User } from '../../../entities/index.js';
import { MessageChannel, SequenceStepType, WaitUnit } from '../../../entities/enums.js';
import type { SequenceStep } from '../../../entities/SequenceStep.js';
import { ValidationError } from '../../platform/errors/index.js';
import * as v from '../../platform/validate.js';
import { isUuid } from '../scope.js';
import { addDays, localDay, startOfDay } from '../tasks/calendar.js';
import { localMinutes } from '../outreach/send-window.js';

/** Steps that do something (the rest wait). */
export const ACTION_STEPS: ReadonlySet<SequenceStepType> = new Set([
  SequenceStepType.EMAIL,
  SequenceStepType.SMS,
  SequenceStepType.TASK,
]);

const MAX_STEPS = 50;
/** The longest single wait, per unit: 365 days. */
const MAX_WAIT: Record<WaitUnit, number> = {
  [WaitUnit.SECONDS]: 365 * 86_400,
  [WaitUnit.MINUTES]: 365 * 1440,
  [WaitUnit.HOURS]: 365 * 24,
  [WaitUnit.DAYS]: 365,
  [WaitUnit.BUSINESS_DAYS]: 261,
};

/**
 * Checks a sequence's steps and returns them as stored: every problem is BAD_USER_INPUT naming the
 * step (`input.steps[2].templateId`), so nothing is saved. Templates and users must be the
 * organization's (another organization's id reads as unknown); templates must match the step's
 * channel and not be archived; waits are 1 unit to 365 days; WAIT_UNTIL falls inside the window.
 */
export async function validateSteps(
  em: EntityManager,
  steps: SequenceStep[] | null | undefined,
  window: { start: number; end: number },
): Promise<SequenceStep[]> {
  if (!steps?.length) throw new ValidationError('A sequence needs at least one step', 'input.steps');
  if (steps.length > MAX_STEPS) throw new ValidationError(`At most ${MAX_STEPS} steps`, 'input.steps');
  if (!steps.some((s) => ACTION_STEPS.has(s.type)))
    throw new ValidationError('A sequence needs at least one email, SMS or task step', 'input.steps');
  const out: SequenceStep[] = [];
  for (const [i, step] of steps.entries()) out.push(await validateStep(em, step, `input.steps[${i}]`, window));
  return out;
}

async function validateStep(
  em: EntityManager,
  s: SequenceStep,
  at: string,
  window: { start: number; end: number },
): Promise<SequenceStep> {
  switch (s.type) {
    case SequenceStepType.EMAIL:
    case SequenceStepType.SMS:
      return { type: s.type, templateId: await templateOf(em, s, at) };
    case SequenceStepType.TASK:
      return {
        type: s.type,
        taskTitle: v.requiredText(s.taskTitle ?? '', `${at}.taskTitle`, 300),
        taskAssigneeId: s.taskAssigneeId ? await memberOf(em, s.taskAssigneeId, `${at}.taskAssigneeId`) : null,
        taskDueInHours: v.intRange(s.taskDueInHours ?? 0, `${at}.taskDueInHours`, 0, 8760)!,
      };
    case SequenceStepType.WAIT: {
      if (!s.waitUnit) throw new ValidationError(`${at}.waitUnit is required for a WAIT step`, `${at}.waitUnit`);
      const max = MAX_WAIT[s.waitUnit];
      if (s.waitAmount == null || !Number.isInteger(s.waitAmount) || s.waitAmount <= 0 || s.waitAmount > max)
        throw new ValidationError(
          `${at}.waitAmount must be a whole number from 1 to ${max} ${s.waitUnit.toLowerCase()} (365 days at most)`,
          `${at}.waitAmount`,
        );
      return { type: s.type, waitAmount: s.waitAmount, waitUnit: s.waitUnit };
    }
    case SequenceStepType.WAIT_UNTIL: {
      const hour = v.intRange(s.atHour ?? null, `${at}.atHour`, 0, 23);
      if (hour == null) throw new ValidationError(`${at}.atHour is required for WAIT_UNTIL`, `${at}.atHour`);
      const minute = v.intRange(s.atMinute ?? 0, `${at}.atMinute`, 0, 59)!;
      if (!insideWindow(hour * 60 + minute, window))
        throw new ValidationError(
          `${at}: ${hour}:${String(minute).padStart(2, '0')} is outside the sending window ` +
            `(${window.start}:00–${window.end}:00)`,
          `${at}.atHour`,
        );
      return { type: s.type, atHour: hour, atMinute: minute };
    }
    default:
      throw new ValidationError(`${at}.type is not a step type`, `${at}.type`);
  }
}

async function templateOf(em: EntityManager, s: SequenceStep, at: string): Promise<string> {
  const field = `${at}.templateId`;
  if (!s.templateId) throw new ValidationError(`${field} is required for a ${s.type} step`, field);
  const template = isUuid(s.templateId) ? await em.findOne(MessageTemplate, { id: s.templateId.toLowerCase() }) : null;
  if (!template) throw new ValidationError(`${field}: no such template in this organization`, field);
  const channel = s.type === SequenceStepType.SMS ? MessageChannel.SMS : MessageChannel.EMAIL;
  if (template.channel !== channel)
    throw new ValidationError(`${field}: "${template.name}" is an ${template.channel} template`, field);
  if (template.archivedAt) throw new ValidationError(`${field}: "${template.name}" is archived`, field);
  return template.id;
}

/** An active member of the organization, or BAD_USER_INPUT naming `field`. */
export async function memberOf(em: EntityManager, id: string, field: string): Promise<string> {
  const user = isUuid(id) ? await em.findOne(User, { id: id.toLowerCase() }) : null;
  if (!user) throw new ValidationError(`${field}: no such user in this organization`, field);
  if (user.deactivatedAt) throw new ValidationError(`${field}: ${user.name} is deactivated`, field);
  return user.id;
}

function insideWindow(minute: number, w: { start: number; end: number }): boolean {
  const start = w.start * 60;
  const end = w.end * 60;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

export interface ScheduleZones {
  /** The lead's local zone (sending windows, WAIT_UNTIL). */
  lead: string;
  /** The organization's zone (business days). */
  organization: string;
}

/**
 * The next action step at or after `from` and when it runs, folding the waits before it into the
 * time; null when no action step is left (the enrollment is complete).
 */
export function nextAction(
  steps: SequenceStep[],
  from: number,
  at: Date,
  zones: ScheduleZones,
): { index: number; at: Date } | null {
  let when = at;
  for (let i = from; i < steps.length; i++) {
    const step = steps[i]!;
    if (ACTION_STEPS.has(step.type)) return { index: i, at: when };
    if (step.type === SequenceStepType.WAIT)
      when = afterWait(when, step.waitAmount!, step.waitUnit!, zones.organization);
    if (step.type === SequenceStepType.WAIT_UNTIL) when = nextLocalTime(when, zones.lead, step.atHour!, step.atMinute!);
  }
  return null;
}

export function afterWait(at: Date, amount: number, unit: WaitUnit, timeZone: string): Date {
  const t = at.getTime();
  if (unit === WaitUnit.SECONDS) return new Date(t + amount * 1_000);
  if (unit === WaitUnit.MINUTES) return new Date(t + amount * 60_000);
  if (unit === WaitUnit.HOURS) return new Date(t + amount * 3_600_000);
  if (unit === WaitUnit.DAYS) return new Date(t + amount * 86_400_000);
  return addBusinessDays(at, amount, timeZone);
}

/** `days` working days (Monday–Friday in the zone) later, at the same wall-clock time. */
export function addBusinessDays(at: Date, days: number, timeZone: string): Date {
  const startDay = localDay(at, timeZone);
  const sinceMidnight = at.getTime() - startOfDay(startDay, timeZone).getTime();
  let day = startDay;
  for (let left = days; left > 0;) {
    day = addDays(day, 1);
    const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  return new Date(startOfDay(day, timeZone).getTime() + sinceMidnight);
}

/** The next moment it is hour:minute in the zone (now, when it is that minute). */
export function nextLocalTime(at: Date, timeZone: string, hour: number, minute: number): Date {
  const now = localMinutes(at, timeZone);
  const wait = (hour * 60 + minute - now + 1440) % 1440;
  return wait === 0 ? at : new Date(Math.floor(at.getTime() / 60_000) * 60_000 + wait * 60_000);
}
