import { MessageTemplate, User } from '../../../entities/index.js';
import type { AutomationAction, AutomationActionResult } from '../../../entities/AutomationParts.js';
import type { AutomationRule } from '../../../entities/AutomationRule.js';
import {
  AutomationActionType as A,
  EnrollmentSource,
  MessageChannel,
  NotificationKind,
} from '../../../entities/enums.js';
import { AppError } from '../../platform/errors/index.js';
import { LeadService } from '../leads/LeadService.js';
import { NotificationService } from '../notifications/NotificationService.js';
import { MessageService } from '../outreach/MessageService.js';
import type { ServiceScope } from '../scope.js';
import { SequenceService } from '../sequences/SequenceService.js';
import { TaskService } from '../tasks/TaskService.js';
import type { Subject } from './conditions.js';
import { AUTOMATION_EVENT_TYPE } from '../webhooks/event-types.js';

/** Thrown by an action that has nothing to do for this object (recorded as SKIPPED, not as a failure). */
class Skip extends Error {}

/**
 * Runs one action of a rule for one object, through the same services a person's request uses
 * (so every business rule — consent, deactivated users, archived sequences — applies), as the
 * rule's author. Nothing to do for this object (no lead, no property, already enrolled, a send the
 * lead's consent refuses) is SKIPPED with the reason; anything else is FAILED and counts toward
 * disabling the rule.
 */
export async function runAction(
  scope: ServiceScope,
  rule: AutomationRule,
  subject: Subject,
  action: AutomationAction,
  index: number,
): Promise<AutomationActionResult> {
  const result = (outcome: string, detail: string | null) => ({ index, type: action.type, outcome, detail });
  try {
    if (action.type !== A.NOTIFY && action.type !== A.CALL_WEBHOOK && !subject.leadId)
      throw new Skip('The event has no lead');
    return result('DONE', await perform(scope, rule, subject, action));
  } catch (err) {
    if (err instanceof Skip) return result('SKIPPED', err.message);
    // A send refused for this lead (consent, no address) is the lead's matter; any other refusal
    // (a deactivated assignee, an archived sequence) means the rule no longer works, and counts.
    if (err instanceof AppError && err.code === 'BAD_USER_INPUT' && action.type === A.SEND_TEMPLATE)
      return result('SKIPPED', err.message);
    return result('FAILED', (err as Error).message.slice(0, 500));
  }
}

async function perform(scope: ServiceScope, rule: AutomationRule, s: Subject, a: AutomationAction): Promise<string> {
  const leadId = s.leadId!;
  switch (a.type) {
    case A.ASSIGN: {
      const userId = a.userId ?? (await roundRobin(scope, rule, a.userIds!));
      await new LeadService(scope).update(leadId, { assignedUserId: userId });
      return `assigned to ${userId}`;
    }
    case A.CREATE_TASK: {
      const assigneeId = a.userId ?? s.assignedUserId ?? rule.createdById ?? null;
      if (!assigneeId) throw new Skip('Nobody to give the task to');
      const dueAt = new Date(Date.now() + (a.dueInHours ?? 0) * 3_600_000);
      const task = await new TaskService(scope).create({ title: a.text!, leadId, assigneeId, dueAt });
      return `task ${task.id}`;
    }
    case A.ENROLL_IN_SEQUENCE: {
      const r = await new SequenceService(scope).enroll(
        a.sequenceId!,
        { leadIds: [leadId] },
        { source: EnrollmentSource.RULE, ruleId: rule.id },
      );
      if (!r.enrolled) throw new Skip('Already in the sequence');
      return 'enrolled';
    }
    case A.REMOVE_FROM_SEQUENCE: {
      const e = await new SequenceService(scope).unenroll(a.sequenceId!, leadId, 'REMOVED_BY_RULE');
      if (!e) throw new Skip('Not in the sequence');
      return 'removed';
    }
    case A.SEND_TEMPLATE:
      return sendTemplate(scope, leadId, a.templateId!);
    case A.ADD_TAGS:
    case A.REMOVE_TAGS:
      return changeTags(scope, s, a);
    case A.SET_STATUS:
      await new LeadService(scope).update(leadId, { status: a.status! });
      return `status ${a.status}`;
    case A.NOTIFY:
      return notify(scope, rule, s, a);
    case A.CALL_WEBHOOK:
      return callWebhook(scope, rule, s, a.endpointId!);
    default:
      throw new Skip(`Unknown action ${String(a.type)}`);
  }
}

/**
 * The next of the rule's agents in turn, skipping deactivated ones; the turn is kept on the rule
 * (one engine per organization runs at a time, so turns are not raced).
 */
async function roundRobin(scope: ServiceScope, rule: AutomationRule, userIds: string[]): Promise<string> {
  const users = await scope.em.find(User, { id: { $in: userIds } }, { fields: ['id', 'deactivatedAt'] as never });
  const active = new Set(users.filter((u) => !u.deactivatedAt).map((u) => u.id));
  for (let k = 0; k < userIds.length; k++) {
    const i = (rule.roundRobinNext + k) % userIds.length;
    if (!active.has(userIds[i]!)) continue;
    rule.roundRobinNext = (i + 1) % userIds.length;
    await scope.em.execute('update automation_rules set round_robin_next = ? where id = ?', [
      rule.roundRobinNext,
      rule.id,
    ]);
    return userIds[i]!;
  }
  throw new Skip('Every agent of the round-robin is deactivated');
}

async function sendTemplate(scope: ServiceScope, leadId: string, templateId: string): Promise<string> {
  const template = await scope.em.findOne(MessageTemplate, { id: templateId });
  if (!template) throw new Skip('The template was deleted');
  const messages = new MessageService(scope);
  const m =
    template.channel === MessageChannel.SMS
      ? await messages.sendSms(leadId, { templateId })
      : await messages.sendEmail(leadId, templateId);
  return `message ${m.id} queued`;
}

async function changeTags(scope: ServiceScope, s: Subject, a: AutomationAction): Promise<string> {
  if (!s.propertyId) throw new Skip('The lead has no property to tag');
  const sql =
    a.type === A.ADD_TAGS
      ? `update properties set tags = array(select distinct unnest(tags || ?::text[])), updated_at = now()
          where id = ? and not (tags @> ?::text[])`
      : `update properties set tags = array(select t from unnest(tags) t where t <> all(?::text[])), updated_at = now()
          where id = ? and tags && ?::text[]`;
  await scope.em.execute(sql, [a.tags!, s.propertyId, a.tags!]);
  return `${a.type === A.ADD_TAGS ? 'added' : 'removed'} ${a.tags!.join(', ')}`;
}

async function notify(scope: ServiceScope, rule: AutomationRule, s: Subject, a: AutomationAction): Promise<string> {
  const service = new NotificationService(scope);
  for (const userId of a.userIds!)
    await service.notify({
      userId,
      kind: NotificationKind.AUTOMATION,
      title: a.text!,
      body: `Rule "${rule.name}" (${s.trigger})`,
      leadId: s.leadId,
      dealId: s.dealId,
      taskId: s.taskId,
      dedupeKey: `automation:${rule.id}:${s.eventId}:${userId}`,
    });
  return `notified ${a.userIds!.length}`;
}

/**
 * An `automation.rule` event for one endpoint, recorded in the run's transaction and delivered like
 * any webhook (signed, retried, in the endpoint's delivery log). A disabled or deleted endpoint
 * gets nothing: the rule still works, the endpoint is the integration's matter.
 */
async function callWebhook(scope: ServiceScope, rule: AutomationRule, s: Subject, endpointId: string): Promise<string> {
  const rows = await scope.em.execute<{ id: string }[]>(
    `insert into webhook_events (organization_id, type, data, endpoint_id)
     select e.organization_id, ?, ?::jsonb, e.id from webhook_endpoints e where e.id = ? and e.enabled
     returning id`,
    [
      AUTOMATION_EVENT_TYPE,
      JSON.stringify({
        rule: { id: rule.id, name: rule.name },
        trigger: s.trigger,
        leadId: s.leadId,
        dealId: s.dealId,
        taskId: s.taskId,
        importId: s.importId,
        event: s.data,
      }),
      endpointId,
    ],
  );
  if (!rows.length) throw new Skip('The webhook endpoint is disabled or was deleted');
  await scope.em.execute(`select pg_notify('webhook_events', ?)`, [rule.organizationId]);
  return `event ${rows[0]!.id}`;
}
