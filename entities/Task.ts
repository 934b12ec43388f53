import { EntityRepositoryType } from '@mikro-orm/core';
import { Entity, Enum, Property as Column } from '@mikro-orm/decorators/legacy';
import { Field, Int, ObjectType } from 'type-graphql';
import { RecurrenceUnit, TaskPriority, TaskStatus, TaskType } from './enums.js';
import { TaskRepository } from './TaskRepository.js';
import { TenantEntity } from './TenantEntity.js';

@ObjectType({ description: 'Something a team member has to do, usually about a lead or a deal', simpleResolvers: true })
@Entity({ tableName: 'tasks', repository: () => TaskRepository })
export class Task extends TenantEntity<'priority' | 'status' | 'allDay' | 'remindMinutesBefore' | 'reminderVersion'> {
  [EntityRepositoryType]?: TaskRepository;

  @Field()
  @Column({ type: 'text' })
  title!: string;

  @Field({ nullable: true })
  @Column({ type: 'text', nullable: true })
  notes?: string;

  @Field(() => TaskType)
  @Enum({ items: () => TaskType, nativeEnumName: 'task_type' })
  type!: TaskType;

  @Field(() => TaskPriority)
  @Enum({ items: () => TaskPriority, nativeEnumName: 'task_priority' })
  priority: TaskPriority = TaskPriority.NORMAL;

  @Field(() => TaskStatus)
  @Enum({ items: () => TaskStatus, nativeEnumName: 'task_status' })
  status: TaskStatus = TaskStatus.OPEN;

  @Field({
    nullable: true,
    description: 'When it is due; for an all-day task, the start of that day in the organization’s time zone',
  })
  @Column({ type: 'timestamptz', nullable: true })
  dueAt?: Date;

  @Field({ description: 'Due some time on the day of dueAt (in the organization’s time zone), not at a time' })
  @Column({ type: 'boolean' })
  allDay: boolean = false;

  @Field(() => Int, { description: 'The reminder fires this many minutes before dueAt (0: at dueAt)' })
  @Column({ type: 'int' })
  remindMinutesBefore: number = 0;

  /** Bumped at every reschedule: a reminder job for an earlier version is stale. */
  @Column({ type: 'int' })
  reminderVersion: number = 0;

  @Field({ nullable: true, description: 'When the reminder fired' })
  @Column({ type: 'timestamptz', nullable: true })
  remindedAt?: Date;

  @Column({ type: 'uuid' })
  assigneeId!: string;

  @Column({ type: 'uuid', nullable: true })
  leadId?: string;

  @Column({ type: 'uuid', nullable: true })
  dealId?: string;

  @Column({ type: 'uuid', nullable: true })
  propertyId?: string;

  @Field(() => Int, { nullable: true, description: 'Recurs every N recurrenceUnit after completion' })
  @Column({ type: 'int', nullable: true })
  recurrenceEvery?: number;

  @Field(() => RecurrenceUnit, { nullable: true })
  @Column({ type: 'text', nullable: true })
  recurrenceUnit?: RecurrenceUnit;

  /** The occurrence this one recurs from: a recurring task spawns its next occurrence once. */
  @Column({ type: 'uuid', nullable: true })
  recursFromId?: string;

  @Field({ nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  completedAt?: Date;

  @Column({ type: 'uuid', nullable: true })
  completedById?: string;

  @Column({ type: 'uuid', nullable: true })
  createdById?: string;
}
