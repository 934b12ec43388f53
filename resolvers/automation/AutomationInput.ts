import { Field, Float, ID, InputType, Int } from 'type-graphql';
import {
  AutomationActionType,
  AutomationTrigger,
  ConditionField,
  ConditionOperator,
  DealStage,
  LeadSource,
  LeadStatus,
} from '../../entities/enums.js';

@InputType({ description: 'Narrows the trigger (see AutomationTriggerConfig)' })
export class AutomationTriggerConfigInput {
  @Field(() => [LeadSource], { nullable: true }) sources?: LeadSource[] | null;
  @Field(() => [LeadStatus], { nullable: true }) statuses?: LeadStatus[] | null;
  @Field(() => [DealStage], { nullable: true }) stages?: DealStage[] | null;
  @Field(() => Int, { nullable: true }) days?: number | null;
}

@InputType()
export class AutomationConditionInput {
  @Field(() => ConditionField) field!: ConditionField;
  @Field(() => ConditionOperator) operator!: ConditionOperator;
  @Field(() => [String], { nullable: true }) values?: string[] | null;
  @Field(() => Float, { nullable: true }) number?: number | null;
}

@InputType({ description: 'Give the fields the action type uses (see AutomationAction)' })
export class AutomationActionInput {
  @Field(() => AutomationActionType) type!: AutomationActionType;
  @Field(() => ID, { nullable: true }) userId?: string | null;
  @Field(() => [ID], { nullable: true }) userIds?: string[] | null;
  @Field(() => ID, { nullable: true }) sequenceId?: string | null;
  @Field(() => ID, { nullable: true }) templateId?: string | null;
  @Field(() => String, { nullable: true }) text?: string | null;
  @Field(() => Int, { nullable: true }) dueInHours?: number | null;
  @Field(() => [String], { nullable: true }) tags?: string[] | null;
  @Field(() => LeadStatus, { nullable: true }) status?: LeadStatus | null;
  @Field(() => ID, { nullable: true }) endpointId?: string | null;
}

@InputType()
export class AutomationRuleInput {
  @Field(() => String, { nullable: true, description: 'Required when creating' }) name?: string | null;
  @Field(() => AutomationTrigger, { nullable: true, description: 'Required when creating' })
  trigger?: AutomationTrigger | null;
  @Field(() => AutomationTriggerConfigInput, { nullable: true }) triggerConfig?: AutomationTriggerConfigInput | null;
  @Field(() => [AutomationConditionInput], { nullable: true, description: 'All must hold (none: always)' })
  conditions?: AutomationConditionInput[] | null;
  @Field(() => [AutomationActionInput], { nullable: true, description: 'Run in order; required when creating' })
  actions?: AutomationActionInput[] | null;
  @Field(() => Boolean, { nullable: true, description: 'Default true' }) enabled?: boolean | null;
}
