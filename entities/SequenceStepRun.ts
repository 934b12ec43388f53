import { Entity, Enum, Property as Column } from '@mikro-orm/decorators/legacy';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { SequenceStepStatus, SequenceStepType } from './enums.js';
import { TenantEntity } from './TenantEntity.js';

@ObjectType({
  description: "One step of one enrollment: the enrollment's timeline (scheduled, sent, skipped with reason, failed)",
  simpleResolvers: true,
})
@Entity({ tableName: 'sequence_step_runs' })
export class SequenceStepRun extends TenantEntity<'status'> {
  @Field(() => ID)
  @Column({ type: 'uuid' })
  enrollmentId!: string;

  @Column({ type: 'uuid' })
  sequenceId!: string;

  @Column({ type: 'uuid' })
  leadId!: string;

  @Field(() => Int)
  @Column({ type: 'int' })
  stepIndex!: number;

  @Field(() => SequenceStepType)
  @Enum({ items: () => SequenceStepType, columnType: 'text' })
  kind!: SequenceStepType;

  @Field(() => SequenceStepStatus)
  @Enum({ items: () => SequenceStepStatus, nativeEnumName: 'sequence_step_status' })
  status: SequenceStepStatus = SequenceStepStatus.SCHEDULED;

  @Field({ description: 'When it runs (moved later when it waits for the sending window)' })
  @Column({ type: 'timestamptz' })
  scheduledFor!: Date;

  @Field({
    nullable: true,
    description:
      'SKIPPED: OPTED_OUT, NO_CONSENT, DNC, BOUNCED_BEFORE, FREQUENCY_CAP, NO_ADDRESS, …; ' +
      'SCHEDULED: QUIET_HOURS_DEFERRED; CANCELLED: why the enrollment ended',
  })
  @Column({ type: 'text', nullable: true })
  reason?: string;

  @Field({ nullable: true })
  @Column({ type: 'text', nullable: true })
  error?: string;

  @Field(() => ID, { nullable: true, description: 'The message it sent (see the lead’s conversation)' })
  @Column({ type: 'uuid', nullable: true })
  messageId?: string;

  @Field(() => ID, { nullable: true, description: 'The task it created' })
  @Column({ type: 'uuid', nullable: true })
  taskId?: string;

  @Field({ nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  sentAt?: Date;
}
