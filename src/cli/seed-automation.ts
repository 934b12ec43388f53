import type { EntityManager } from '@mikro-orm/postgresql';
import { ConsentRecord, MessageTemplate, type User } from '../../entities/index.js';
import {
  AutomationActionType,
  AutomationTrigger,
  ConditionField,
  ConditionOperator,
  ConsentStatus,
  LeadSource,
  MessageChannel,
  SequenceStepType,
  WaitUnit,
} from '../../entities/enums.js';
import type { createServices } from '../domains/index.js';

/**
 * The demo's follow-up: a "New lead" sequence (a text now, a call task tomorrow, an email in three
 * days, a text in seven) and a rule that hands new web leads (PPC, SEO) to the agents in turn and
 * enrolls them. Three web leads arrive after the rule, so the demo shows both at work: assigned,
 * enrolled, first text sent (they opted in on the form).
 */
export async function seedFollowUp(
  svc: () => ReturnType<typeof createServices>,
  em: EntityManager,
  agents: User[],
): Promise<void> {
  const templates = await em.find(MessageTemplate, {});
  const byName = (name: string) => templates.find((t) => t.name === name)!.id;
  const later = await svc().templates.create({
    name: 'Still interested',
    channel: MessageChannel.SMS,
    body: 'Hi {{lead.firstName}}, {{user.name}} again. Is {{property.address}} still something you would sell?',
  });
  const sequence = await svc().sequences.create({
    name: 'New lead',
    description: 'Text now, call tomorrow, email in 3 days, text in 7',
    steps: [
      { type: SequenceStepType.SMS, templateId: byName('Quick text') },
      { type: SequenceStepType.WAIT, waitAmount: 1, waitUnit: WaitUnit.DAYS },
      { type: SequenceStepType.TASK, taskTitle: 'Call the new lead', taskDueInHours: 2 },
      { type: SequenceStepType.WAIT, waitAmount: 2, waitUnit: WaitUnit.DAYS },
      { type: SequenceStepType.EMAIL, templateId: byName('First touch') },
      { type: SequenceStepType.WAIT, waitAmount: 4, waitUnit: WaitUnit.DAYS },
      { type: SequenceStepType.SMS, templateId: later.id },
    ],
  });
  await svc().automation.create({
    name: 'Round-robin new web leads',
    trigger: AutomationTrigger.LEAD_CREATED,
    triggerConfig: { sources: [LeadSource.PPC, LeadSource.SEO] },
    conditions: [{ field: ConditionField.ASSIGNED, operator: ConditionOperator.IS_FALSE }],
    actions: [
      { type: AutomationActionType.ASSIGN, userIds: agents.map((a) => a.id) },
      { type: AutomationActionType.ENROLL_IN_SEQUENCE, sequenceId: sequence.id },
    ],
  });
  const web = [
    ['Wendy', 'Webform', 'wendy.webform@example.com', '+15125550141'],
    ['Pablo', 'Clicks', 'pablo.clicks@example.com', '+15125550142'],
    ['Sara', 'Searches', 'sara.searches@example.com', '+15125550143'],
  ] as const;
  const recordedAt = new Date();
  for (const [, , email, phone] of web)
    for (const [channel, contactPoint] of [
      [MessageChannel.EMAIL, email],
      [MessageChannel.SMS, phone],
    ] as const)
      em.create(ConsentRecord, {
        channel,
        contactPoint,
        status: ConsentStatus.OPTED_IN,
        source: 'WEB_FORM',
        evidence: 'Demo: opted in on the landing page form',
        recordedAt,
      });
  await em.flush();
  for (const [i, [firstName, lastName, email, phone]] of web.entries())
    await svc().leads.create({
      firstName,
      lastName,
      email,
      phone,
      source: i === 2 ? LeadSource.SEO : LeadSource.PPC,
      motivation: 'Filled in the "get a cash offer" form',
    });
}
