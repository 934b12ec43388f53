import type { AutomationCondition, AutomationTriggerConfig } from '../../../entities/AutomationParts.js';
import { ConditionField as F, ConditionOperator as O, type AutomationTrigger } from '../../../entities/enums.js';

/** What a rule's trigger options and conditions are tested against: the event and its lead, property and deal. */
export interface Subject {
  eventId: string;
  trigger: AutomationTrigger;
  depth: number;
  data: Record<string, unknown>;
  leadId: string | null;
  dealId: string | null;
  taskId: string | null;
  importId: string | null;
  source: string | null;
  status: string | null;
  assignedUserId: string | null;
  score: number | null;
  propertyId: string | null;
  tags: string[];
  state: string | null;
  zip: string | null;
  stage: string | null;
}

/** Whether the event is one the rule's trigger options ask for (a source, a status or stage moved to, a day count). */
export function triggerMatches(config: AutomationTriggerConfig, s: Subject): boolean {
  if (config.sources?.length && !config.sources.includes(String(s.data.source ?? s.source) as never)) return false;
  if (config.statuses?.length && !config.statuses.includes(String(s.data.to) as never)) return false;
  if (config.stages?.length && !config.stages.includes(String(s.data.to) as never)) return false;
  if (config.days != null && Number(s.data.days) !== config.days) return false;
  return true;
}

/** Every condition holds (none: always). A condition on something the object lacks (no property) does not hold. */
export function conditionsMatch(conditions: AutomationCondition[], s: Subject): boolean {
  return conditions.every((c) => holds(c, s));
}

function holds(c: AutomationCondition, s: Subject): boolean {
  switch (c.field) {
    case F.SCORE:
      return s.score != null && (c.operator === O.AT_LEAST ? s.score >= c.number! : s.score <= c.number!);
    case F.ASSIGNED:
      return (s.assignedUserId != null) === (c.operator === O.IS_TRUE);
    case F.TAGS:
      return c.operator === O.CONTAINS_ALL
        ? c.values!.every((t) => s.tags.includes(t))
        : c.values!.some((t) => s.tags.includes(t));
    default:
      return compare(c, valueOf(c.field, s));
  }
}

function valueOf(field: F, s: Subject): string | null {
  if (field === F.SOURCE) return s.source;
  if (field === F.STATUS) return s.status;
  if (field === F.STAGE) return s.stage;
  if (field === F.PROPERTY_STATE) return s.state;
  if (field === F.PROPERTY_ZIP) return s.zip;
  return null;
}

function compare(c: AutomationCondition, value: string | null): boolean {
  const values = c.values ?? [];
  if (c.operator === O.EQUALS || c.operator === O.IN) return value != null && values.includes(value);
  if (c.operator === O.NOT_EQUALS || c.operator === O.NOT_IN) return value == null || !values.includes(value);
  return false;
}
