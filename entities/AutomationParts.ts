import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { AutomationActionType, ConditionField, ConditionOperator, DealStage, LeadSource, LeadStatus } from './enums.js';

/**
 * The JSON parts of an automation rule, as stored and as shown. Plain object types (not entities):
 * a rule's trigger options, conditions and actions are values of the rule.
 */
@ObjectType({ description: 'Narrows a trigger: only these sources, statuses or stages; days for LEAD_INACTIVE' })
export class AutomationTriggerConfig {
  @Field(() => [LeadSource], { nullable: true })
  sources?: LeadSource[] | null;

  @Field(() => [LeadStatus], { nullable: true, description: 'LEAD_STATUS_CHANGED: to one of these' })
  statuses?: LeadStatus[] | null;

  @Field(() => [DealStage], { nullable: true, description: 'DEAL_STAGE_CHANGED: to one of these' })
  stages?: DealStage[] | null;

  @Field(() => Int, { nullable: true, description: 'LEAD_INACTIVE: no activity for this many days' })
  days?: number | null;
}

@ObjectType({ description: 'A test on the object the rule runs for (its lead, and deal for deal triggers)' })
export class AutomationCondition {
  @Field(() => ConditionField)
  field!: ConditionField;

  @Field(() => ConditionOperator)
  operator!: ConditionOperator;

  @Field(() => [String], { nullable: true, description: 'Text values (enum names, tags, states, ZIP codes)' })
  values?: string[] | null;

  @Field(() => Float, { nullable: true, description: 'SCORE: the number compared with' })
  number?: number | null;
}

@ObjectType({ description: 'What a rule does' })
export class AutomationAction {
  @Field(() => AutomationActionType)
  type!: AutomationActionType;

  @Field(() => ID, { nullable: true, description: 'ASSIGN: this user; CREATE_TASK: the task’s assignee' })
  userId?: string | null;

  @Field(() => [ID], {
    nullable: true,
    description: 'ASSIGN: round-robin among these (deactivated ones skipped); NOTIFY: these users',
  })
  userIds?: string[] | null;

  @Field(() => ID, { nullable: true })
  sequenceId?: string | null;

  @Field(() => ID, { nullable: true })
  templateId?: string | null;

  @Field(() => String, { nullable: true, description: 'CREATE_TASK: the title; NOTIFY: the message' })
  text?: string | null;

  @Field(() => Int, { nullable: true, description: 'CREATE_TASK: due this many hours later' })
  dueInHours?: number | null;

  @Field(() => [String], { nullable: true, description: 'ADD_TAGS/REMOVE_TAGS (on the lead’s property)' })
  tags?: string[] | null;

  @Field(() => LeadStatus, { nullable: true })
  status?: LeadStatus | null;

  @Field(() => ID, {
    nullable: true,
    description: 'CALL_WEBHOOK: the endpoint that receives the automation.rule event',
  })
  endpointId?: string | null;
}

@ObjectType({ description: 'What one action of a run did' })
export class AutomationActionResult {
  @Field(() => Int)
  index!: number;

  @Field(() => AutomationActionType)
  type!: AutomationActionType;

  @Field({ description: 'DONE, SKIPPED or FAILED' })
  outcome!: string;

  @Field(() => String, { nullable: true })
  detail?: string | null;
}
