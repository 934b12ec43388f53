import { Entity, Property as Column } from '@mikro-orm/decorators/legacy';
import { JSONObjectResolver } from 'graphql-scalars';
import { Field, Int, ObjectType } from 'type-graphql';
import { EntityRepositoryType } from '@mikro-orm/core';
import { FailedJobRepository } from './FailedJobRepository.js';
import { TenantEntity } from './TenantEntity.js';

@ObjectType({ description: 'A job that used up its attempts (dead-letter record)', simpleResolvers: true })
@Entity({ tableName: 'failed_jobs', repository: () => FailedJobRepository })
export class FailedJob extends TenantEntity {
  [EntityRepositoryType]?: FailedJobRepository;

  @Field()
  @Column({ type: 'text' })
  queue!: string;

  @Field()
  @Column({ type: 'text' })
  jobName!: string;

  @Field({ description: 'The BullMQ job id that failed' })
  @Column({ type: 'text' })
  jobId!: string;

  @Field(() => JSONObjectResolver, { description: 'The job payload (ids only, never secrets)' })
  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Field()
  @Column({ type: 'text' })
  lastError!: string;

  @Field(() => Int)
  @Column({ type: 'integer' })
  attempts!: number;

  @Field()
  @Column({ type: 'timestamptz' })
  failedAt!: Date;

  @Field({ nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  replayedAt?: Date;

  @Field({ nullable: true, description: 'The job the replay started' })
  @Column({ type: 'text', nullable: true })
  replayJobId?: string;

  @Column({ type: 'uuid', nullable: true })
  replayedById?: string;
}
