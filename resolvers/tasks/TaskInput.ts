import { Field, ID, InputType, Int } from 'type-graphql';
import { ActivityType, RecurrenceUnit, TaskPriority, TaskType } from '../../entities/enums.js';

@InputType({ description: 'Task fields. On update, omitted fields stay as they are and null clears an optional one.' })
export class TaskInput {
  @Field({ nullable: true, description: 'Required on create' })
  title?: string;

  @Field(() => String, { nullable: true })
  notes?: string | null;

  @Field(() => TaskType, { nullable: true, description: 'Default FOLLOW_UP' })
  type?: TaskType;

  @Field(() => TaskPriority, { nullable: true, description: 'Default NORMAL' })
  priority?: TaskPriority;

  @Field(() => Date, { nullable: true, description: 'Due at this time (at most 5 years ahead)' })
  dueAt?: Date | null;

  @Field(() => String, {
    nullable: true,
    description: 'Or: due on this day (YYYY-MM-DD) in the organization’s time zone, an all-day task',
  })
  dueDate?: string | null;

  @Field(() => Int, { nullable: true, description: 'Remind this many minutes before it is due (0 to 10080)' })
  remindMinutesBefore?: number | null;

  @Field(() => ID, { nullable: true, description: 'Default: you' })
  assigneeId?: string | null;

  @Field(() => ID, { nullable: true })
  leadId?: string | null;

  @Field(() => ID, { nullable: true })
  dealId?: string | null;

  @Field(() => ID, { nullable: true })
  propertyId?: string | null;

  @Field(() => Int, { nullable: true, description: 'Recurs every N units after each completion (1 to 365)' })
  recurrenceEvery?: number | null;

  @Field(() => RecurrenceUnit, { nullable: true })
  recurrenceUnit?: RecurrenceUnit | null;
}

@InputType({ description: 'What was done, logged on the task’s lead in the same transaction' })
export class TaskActivityInput {
  @Field(() => ActivityType)
  type!: ActivityType;

  @Field(() => String, { nullable: true, description: 'e.g. "voicemail", "interested"' })
  outcome?: string | null;

  @Field(() => String, { nullable: true, description: 'Default: the task’s title' })
  body?: string | null;
}

@InputType()
export class CompleteTaskInput {
  @Field(() => TaskActivityInput, { nullable: true })
  activity?: TaskActivityInput | null;

  @Field(() => TaskInput, {
    nullable: true,
    description: 'The next task for the same lead and deal (title defaults to "Follow up: …")',
  })
  followUp?: TaskInput | null;
}
