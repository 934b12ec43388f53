import { Entity, Enum, Property as Column } from '@mikro-orm/decorators/legacy';
import { Field, Int, ObjectType } from 'type-graphql';
import { LeadStatus, SequenceStatus } from './enums.js';
import type { SequenceStep } from './SequenceStep.js';
import { TenantEntity } from './TenantEntity.js';

@ObjectType({
  description: 'A follow-up sequence: ordered sends, tasks and waits, run for each enrolled lead until it exits',
  simpleResolvers: true,
})
@Entity({ tableName: 'sequences' })
export class Sequence extends TenantEntity<
  | 'status'
  | 'version'
  | 'exitOnReply'
  | 'exitOnOptOut'
  | 'exitOnDead'
  | 'exitOnDeal'
  | 'exitStatuses'
  | 'windowStartHour'
  | 'windowEndHour'
> {
  @Field()
  @Column({ type: 'text' })
  name!: string;

  @Field({ nullable: true })
  @Column({ type: 'text', nullable: true })
  description?: string;

  @Field(() => SequenceStatus)
  @Enum({ items: () => SequenceStatus, nativeEnumName: 'sequence_status' })
  status: SequenceStatus = SequenceStatus.ACTIVE;

  @Field(() => Int, { description: 'The current version; each update makes a new one, enrollments keep theirs' })
  @Column({ type: 'int' })
  version: number = 1;

  /** The current version's steps (also kept in sequence_versions). */
  @Column({ type: 'jsonb' })
  steps!: SequenceStep[];

  @Field({ description: 'A reply on any channel ends the enrollment' })
  @Column({ type: 'boolean' })
  exitOnReply: boolean = true;

  @Field({ description: 'An opt-out (STOP, unsubscribe, consent withdrawn) ends it' })
  @Column({ type: 'boolean' })
  exitOnOptOut: boolean = true;

  @Field({ description: 'The lead marked DEAD ends it' })
  @Column({ type: 'boolean' })
  exitOnDead: boolean = true;

  @Field({ description: 'A deal for the lead ends it' })
  @Column({ type: 'boolean' })
  exitOnDeal: boolean = true;

  @Field(() => [LeadStatus], { description: 'The lead moved to one of these statuses ends it' })
  @Column({ type: 'text[]' })
  exitStatuses: LeadStatus[] = [];

  @Field(() => Int, { description: "Sends go out from this hour, in the lead's local time" })
  @Column({ type: 'int' })
  windowStartHour: number = 9;

  @Field(() => Int, { description: 'until this hour (exclusive)' })
  @Column({ type: 'int' })
  windowEndHour: number = 20;

  @Field(() => Int, {
    nullable: true,
    description:
      'A send is skipped (FREQUENCY_CAP) when the lead got another campaign or sequence message this recently',
  })
  @Column({ type: 'int', nullable: true })
  frequencyCapHours?: number;

  @Column({ type: 'uuid', nullable: true })
  createdById?: string;

  @Field({ nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  archivedAt?: Date;
}
