import type { EntityManager } from '@mikro-orm/postgresql';
import { MessageTemplate, Sequence, WebhookEndpoint } from '../../../entities/index.js';
import type {
  AutomationAction,
  AutomationCondition,
  AutomationTriggerConfig,
} from '../../../entities/AutomationParts.js';
import {
  AutomationActionType as A,
  AutomationTrigger as T,
  ConditionField as F,
  ConditionOperator as O,
  DealStage,
  LeadSource,
  LeadStatus,
  SequenceStatus,
} from '../../../entities/enums.js';
import { ValidationError } from '../../platform/errors/index.js';
import * as v from '../../platform/validate.js';
import { isUuid } from '../scope.js';
import { memberOf } from '../sequences/steps.js';

const MAX_CONDITIONS = 20;
const MAX_ACTIONS = 10;

/** Which operators each field takes, and what its values must be. */
const FIELD_RULES: Record<F, { operators: O[]; values?: (value: string, field: string) => string; numeric?: true }> = {
  [F.SOURCE]: { operators: [O.EQUALS, O.NOT_EQUALS, O.IN, O.NOT_IN], values: enumValue(LeadSource, 'lead source') },
  [F.STATUS]: { operators: [O.EQUALS, O.NOT_EQUALS, O.IN, O.NOT_IN], values: enumValue(LeadStatus, 'lead status') },
  [F.STAGE]: { operators: [O.EQUALS, O.NOT_EQUALS, O.IN, O.NOT_IN], values: enumValue(DealStage, 'deal stage') },
  [F.TAGS]: { operators: [O.CONTAINS_ALL, O.CONTAINS_ANY], values: (t) => t.trim().toLowerCase() },
  [F.SCORE]: { operators: [O.AT_LEAST, O.AT_MOST], numeric: true },
  [F.ASSIGNED]: { operators: [O.IS_TRUE, O.IS_FALSE] },
  [F.PROPERTY_STATE]: { operators: [O.EQUALS, O.NOT_EQUALS, O.IN, O.NOT_IN], values: (s, f) => v.usState(s, f) },
  [F.PROPERTY_ZIP]: { operators: [O.EQUALS, O.NOT_EQUALS, O.IN, O.NOT_IN], values: (z, f) => v.zip(z, f) },
};

function enumValue(e: Record<string, string>, label: string) {
  return (value: string, field: string) => {
    if (!Object.values(e).includes(value))
      throw new ValidationError(`${field}: "${value.slice(0, 50)}" is not a ${label}`, field);
    return value;
  };
}

/** Triggers with no lead (imports) can only notify. */
const LEADLESS: ReadonlySet<T> = new Set([T.IMPORT_FINISHED]);

export function validateTriggerConfig(
  trigger: T,
  c: AutomationTriggerConfig | null | undefined,
): AutomationTriggerConfig {
  const out: AutomationTriggerConfig = {};
  const only = (key: keyof AutomationTriggerConfig, allowed: T) => {
    if (c?.[key] != null && trigger !== allowed)
      throw new ValidationError(`input.triggerConfig.${key} applies to ${allowed} only`, `input.triggerConfig.${key}`);
  };
  only('sources', T.LEAD_CREATED);
  only('statuses', T.LEAD_STATUS_CHANGED);
  only('stages', T.DEAL_STAGE_CHANGED);
  only('days', T.LEAD_INACTIVE);
  if (c?.sources?.length) out.sources = [...new Set(c.sources)];
  if (c?.statuses?.length) out.statuses = [...new Set(c.statuses)];
  if (c?.stages?.length) out.stages = [...new Set(c.stages)];
  if (trigger === T.LEAD_INACTIVE) {
    if (c?.days == null)
      throw new ValidationError('LEAD_INACTIVE needs triggerConfig.days', 'input.triggerConfig.days');
    out.days = v.intRange(c.days, 'input.triggerConfig.days', 1, 365)!;
  }
  return out;
}

export function validateConditions(trigger: T, conditions: AutomationCondition[] | null | undefined) {
  const list = conditions ?? [];
  if (list.length > MAX_CONDITIONS)
    throw new ValidationError(`At most ${MAX_CONDITIONS} conditions`, 'input.conditions');
  return list.map((c, i): AutomationCondition => {
    const at = `input.conditions[${i}]`;
    const rule = FIELD_RULES[c.field];
    if (!rule) throw new ValidationError(`${at}.field is not a condition field`, `${at}.field`);
    if (LEADLESS.has(trigger)) throw new ValidationError(`${at}: ${trigger} has no lead to test`, `${at}.field`);
    if (c.field === F.STAGE && trigger !== T.DEAL_STAGE_CHANGED)
      throw new ValidationError(`${at}: STAGE applies to DEAL_STAGE_CHANGED rules only`, `${at}.field`);
    if (!rule.operators.includes(c.operator))
      throw new ValidationError(`${at}: ${c.field} takes ${rule.operators.join(', ')}`, `${at}.operator`);
    if (rule.numeric) {
      if (c.number == null) throw new ValidationError(`${at}.number is required for ${c.field}`, `${at}.number`);
      return { field: c.field, operator: c.operator, number: v.numberRange(c.number, `${at}.number`, 0, 100)! };
    }
    if (!rule.values) return { field: c.field, operator: c.operator };
    const values = (c.values ?? []).map((x, j) => rule.values!(String(x), `${at}.values[${j}]`));
    const single = c.operator === O.EQUALS || c.operator === O.NOT_EQUALS;
    if (!values.length || (single && values.length !== 1))
      throw new ValidationError(`${at}.values: ${single ? 'exactly one value' : 'at least one value'}`, `${at}.values`);
    return { field: c.field, operator: c.operator, values: [...new Set(values)] };
  });
}

export async function validateActions(em: EntityManager, trigger: T, actions: AutomationAction[] | null | undefined) {
  if (!actions?.length) throw new ValidationError('A rule needs at least one action', 'input.actions');
  if (actions.length > MAX_ACTIONS) throw new ValidationError(`At most ${MAX_ACTIONS} actions`, 'input.actions');
  const out: AutomationAction[] = [];
  for (const [i, a] of actions.entries()) {
    const at = `input.actions[${i}]`;
    if (LEADLESS.has(trigger) && a.type !== A.NOTIFY && a.type !== A.CALL_WEBHOOK)
      throw new ValidationError(
        `${at}: ${trigger} has no lead; only NOTIFY or CALL_WEBHOOK can follow it`,
        `${at}.type`,
      );
    out.push(await validateAction(em, a, at));
  }
  return out;
}

async function validateAction(em: EntityManager, a: AutomationAction, at: string): Promise<AutomationAction> {
  switch (a.type) {
    case A.ASSIGN: {
      if ((a.userId == null) === !a.userIds?.length)
        throw new ValidationError(`${at}: give userId, or userIds for round-robin (one of them)`, `${at}.userId`);
      if (a.userId) return { type: a.type, userId: await memberOf(em, a.userId, `${at}.userId`) };
      return { type: a.type, userIds: await members(em, a.userIds!, `${at}.userIds`) };
    }
    case A.CREATE_TASK:
      return {
        type: a.type,
        text: v.requiredText(a.text ?? '', `${at}.text`, 300),
        dueInHours: v.intRange(a.dueInHours ?? 0, `${at}.dueInHours`, 0, 8_760)!,
        userId: a.userId ? await memberOf(em, a.userId, `${at}.userId`) : null,
      };
    case A.ENROLL_IN_SEQUENCE:
    case A.REMOVE_FROM_SEQUENCE:
      return { type: a.type, sequenceId: await sequenceOf(em, a, at) };
    case A.SEND_TEMPLATE:
      return { type: a.type, templateId: await templateOf(em, a.templateId, `${at}.templateId`) };
    case A.ADD_TAGS:
    case A.REMOVE_TAGS: {
      const tags = v.tags(a.tags ?? [], `${at}.tags`)!;
      if (!tags.length) throw new ValidationError(`${at}.tags: at least one tag`, `${at}.tags`);
      return { type: a.type, tags };
    }
    case A.SET_STATUS:
      if (!a.status) throw new ValidationError(`${at}.status is required`, `${at}.status`);
      return { type: a.type, status: a.status };
    case A.NOTIFY:
      if (!a.userIds?.length) throw new ValidationError(`${at}.userIds: whom to notify`, `${at}.userIds`);
      return {
        type: a.type,
        userIds: await members(em, a.userIds, `${at}.userIds`),
        text: v.requiredText(a.text ?? '', `${at}.text`, 300),
      };
    case A.CALL_WEBHOOK:
      return { type: a.type, endpointId: await endpointOf(em, a.endpointId, `${at}.endpointId`) };
    default:
      throw new ValidationError(`${at}.type is not an action`, `${at}.type`);
  }
}

async function members(em: EntityManager, ids: string[], field: string): Promise<string[]> {
  if (ids.length > 50) throw new ValidationError(`${field}: at most 50 users`, field);
  const out: string[] = [];
  for (const [j, id] of ids.entries()) out.push(await memberOf(em, id, `${field}[${j}]`));
  return [...new Set(out)];
}

async function sequenceOf(em: EntityManager, a: AutomationAction, at: string): Promise<string> {
  const field = `${at}.sequenceId`;
  const s =
    a.sequenceId && isUuid(a.sequenceId) ? await em.findOne(Sequence, { id: a.sequenceId.toLowerCase() }) : null;
  if (!s) throw new ValidationError(`${field}: no such sequence in this organization`, field);
  if (a.type === A.ENROLL_IN_SEQUENCE && s.status === SequenceStatus.ARCHIVED)
    throw new ValidationError(`${field}: "${s.name}" is archived; nothing can be enrolled in it`, field);
  return s.id;
}

async function endpointOf(em: EntityManager, id: string | null | undefined, field: string): Promise<string> {
  const e = id && isUuid(id) ? await em.findOne(WebhookEndpoint, { id: id.toLowerCase() }) : null;
  if (!e) throw new ValidationError(`${field}: no such webhook endpoint in this organization`, field);
  return e.id;
}

async function templateOf(em: EntityManager, id: string | null | undefined, field: string): Promise<string> {
  const t = id && isUuid(id) ? await em.findOne(MessageTemplate, { id: id.toLowerCase() }) : null;
  if (!t) throw new ValidationError(`${field}: no such template in this organization`, field);
  if (t.archivedAt) throw new ValidationError(`${field}: "${t.name}" is archived`, field);
  return t.id;
}
