import { Field, ID, Int, ObjectType } from 'type-graphql';
import { SequenceStepType, WaitUnit } from './enums.js';

/** One step of a sequence version, as stored (JSON in `sequence_versions.steps`) and as shown. */
@ObjectType({ description: 'One step of a sequence: a send, a task, or a wait', simpleResolvers: true })
export class SequenceStep {
  @Field(() => SequenceStepType)
  type!: SequenceStepType;

  @Field(() => ID, { nullable: true, description: 'EMAIL/SMS: the template it sends (of that channel)' })
  templateId?: string | null;

  @Field(() => String, { nullable: true, description: 'TASK: the title of the task it creates' })
  taskTitle?: string | null;

  @Field(() => ID, { nullable: true, description: "TASK: who gets the task (default: the lead's assignee)" })
  taskAssigneeId?: string | null;

  @Field(() => Int, { nullable: true, description: 'TASK: due this many hours after the step runs (default 0)' })
  taskDueInHours?: number | null;

  @Field(() => Int, { nullable: true, description: 'WAIT: how many units' })
  waitAmount?: number | null;

  @Field(() => WaitUnit, { nullable: true })
  waitUnit?: WaitUnit | null;

  @Field(() => Int, { nullable: true, description: "WAIT_UNTIL: the hour (0–23) in the lead's local time" })
  atHour?: number | null;

  @Field(() => Int, { nullable: true, description: 'WAIT_UNTIL: the minute (default 0)' })
  atMinute?: number | null;
}
