import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { EnrollmentStatus, LeadStatus, SequenceStepType, WaitUnit } from '../../entities/enums.js';
import { LeadFilterInput } from '../leads/LeadArgs.js';

@InputType({ description: 'One step: give the fields its type uses (see SequenceStep)' })
export class SequenceStepInput {
  @Field(() => SequenceStepType) type!: SequenceStepType;
  @Field(() => ID, { nullable: true }) templateId?: string | null;
  @Field(() => String, { nullable: true }) taskTitle?: string | null;
  @Field(() => ID, { nullable: true }) taskAssigneeId?: string | null;
  @Field(() => Int, { nullable: true }) taskDueInHours?: number | null;
  @Field(() => Int, { nullable: true }) waitAmount?: number | null;
  @Field(() => WaitUnit, { nullable: true }) waitUnit?: WaitUnit | null;
  @Field(() => Int, { nullable: true }) atHour?: number | null;
  @Field(() => Int, { nullable: true }) atMinute?: number | null;
}

@InputType()
export class SequenceInput {
  @Field(() => String, { nullable: true, description: 'Required when creating' }) name?: string | null;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => [SequenceStepInput], {
    nullable: true,
    description: 'Required when creating; on update, new steps make a new version (running enrollments keep theirs)',
  })
  steps?: SequenceStepInput[] | null;
  @Field(() => Boolean, { nullable: true, description: 'Default true' }) exitOnReply?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Default true' }) exitOnOptOut?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Default true' }) exitOnDead?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Default true' }) exitOnDeal?: boolean | null;
  @Field(() => [LeadStatus], { nullable: true }) exitStatuses?: LeadStatus[] | null;
  @Field(() => Int, { nullable: true, description: 'Default 9' }) windowStartHour?: number | null;
  @Field(() => Int, { nullable: true, description: 'Default 20' }) windowEndHour?: number | null;
  @Field(() => Int, { nullable: true }) frequencyCapHours?: number | null;
}

@InputType({ description: 'Who to enroll: leadIds or a lead filter (one of them)' })
export class EnrollInput {
  @Field(() => [ID], { nullable: true }) leadIds?: string[] | null;
  @Field(() => LeadFilterInput, { nullable: true }) filter?: LeadFilterInput | null;
}

@ObjectType({ simpleResolvers: true })
export class EnrollResult {
  @Field(() => Int) enrolled!: number;
  @Field(() => Int, { description: 'Leads that were in the sequence already (a lead is in it at most once at a time)' })
  alreadyEnrolled!: number;
}

@ObjectType({ simpleResolvers: true, description: 'What one step did, over every enrollment' })
export class SequenceStepStats {
  @Field(() => Int) stepIndex!: number;
  @Field(() => Int) scheduled!: number;
  @Field(() => Int) sent!: number;
  @Field(() => Int, { description: 'SMS: carrier-confirmed; email: accepted by the mail server, not bounced' })
  delivered!: number;
  @Field(() => Int, { description: 'Enrollments that replied after this step was their last send' })
  replied!: number;
  @Field(() => Int) optedOut!: number;
  @Field(() => Int) tasksCreated!: number;
  @Field(() => Int) skipped!: number;
  @Field(() => Int) failed!: number;
  @Field(() => Int) cancelled!: number;
}

@ObjectType({ simpleResolvers: true, description: 'Something happened to one enrollment of a sequence' })
export class SequenceProgressEvent {
  @Field(() => ID) sequenceId!: string;
  @Field(() => ID) enrollmentId!: string;
  @Field(() => ID) leadId!: string;
  @Field(() => Int, { nullable: true }) stepIndex!: number | null;
  @Field({
    description: 'A step status (SENT, DONE, SKIPPED, FAILED; SCHEDULED when deferred) or COMPLETED / EXITED',
  })
  status!: string;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field() at!: string;
}

export { EnrollmentStatus };
