import { EntityRepositoryType } from '@mikro-orm/core';
import { Entity, Enum, Property as Column } from '@mikro-orm/decorators/legacy';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { EnrollmentSource, EnrollmentStatus } from './enums.js';
import { SequenceEnrollmentRepository } from './SequenceEnrollmentRepository.js';
import { TenantEntity } from './TenantEntity.js';

@ObjectType({ description: 'A lead in a sequence, on the version it started with', simpleResolvers: true })
@Entity({ tableName: 'sequence_enrollments', repository: () => SequenceEnrollmentRepository })
export class SequenceEnrollment extends TenantEntity<'status'> {
  [EntityRepositoryType]?: SequenceEnrollmentRepository;

  @Field(() => ID)
  @Column({ type: 'uuid' })
  sequenceId!: string;

  @Field(() => Int, { description: 'The sequence version it runs (later edits do not change it)' })
  @Column({ type: 'int' })
  version!: number;

  @Field(() => ID)
  @Column({ type: 'uuid' })
  leadId!: string;

  @Field(() => EnrollmentStatus)
  @Enum({ items: () => EnrollmentStatus, nativeEnumName: 'enrollment_status' })
  status: EnrollmentStatus = EnrollmentStatus.ACTIVE;

  @Field(() => EnrollmentSource)
  @Enum({ items: () => EnrollmentSource, columnType: 'text' })
  source!: EnrollmentSource;

  @Column({ type: 'uuid', nullable: true })
  enrolledById?: string;

  @Field(() => ID, { nullable: true, description: 'The automation rule that enrolled it, when one did' })
  @Column({ type: 'uuid', nullable: true })
  ruleId?: string;

  @Field(() => Int, { nullable: true, description: 'The step it waits to run (index into the version’s steps)' })
  @Column({ type: 'int', nullable: true })
  currentStep?: number;

  @Field({ nullable: true, description: 'When that step runs' })
  @Column({ type: 'timestamptz', nullable: true })
  nextStepAt?: Date;

  @Field({
    nullable: true,
    description: 'EXITED: REPLIED, OPTED_OUT, LEAD_DEAD, DEAL_CREATED, STATUS_<status>, UNENROLLED, ARCHIVED',
  })
  @Column({ type: 'text', nullable: true })
  exitReason?: string;

  @Field({ nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  finishedAt?: Date;
}
