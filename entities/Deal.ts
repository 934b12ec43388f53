import { DecimalType, EntityRepositoryType } from '@mikro-orm/core';
import { Entity, Enum, Property as Column } from '@mikro-orm/decorators/legacy';
import { LocalDateResolver } from '../src/platform/graphql/scalars.js';
import { Field, Float, ObjectType } from 'type-graphql';
import { DealRepository } from './DealRepository.js';
import { DealStage } from './enums.js';
import { TenantEntity } from './TenantEntity.js';

@ObjectType({
  description: 'An acquisition opportunity: one lead and one property moving through the pipeline',
  simpleResolvers: true,
})
@Entity({ tableName: 'deals', repository: () => DealRepository })
export class Deal extends TenantEntity<'stage' | 'stageChangedAt' | 'title'> {
  [EntityRepositoryType]?: DealRepository;

  @Field()
  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'uuid' })
  leadId!: string;

  @Column({ type: 'uuid' })
  propertyId!: string;

  @Field(() => DealStage)
  @Enum({ items: () => DealStage, nativeEnumName: 'deal_stage' })
  stage: DealStage = DealStage.NEW;

  @Field(() => Float, { nullable: true })
  @Column({ type: new DecimalType('number'), precision: 14, scale: 2, nullable: true })
  offerAmount?: number;

  @Field(() => Float, { nullable: true })
  @Column({ type: new DecimalType('number'), precision: 14, scale: 2, nullable: true })
  contractPrice?: number;

  @Field(() => Float, { nullable: true })
  @Column({ type: new DecimalType('number'), precision: 14, scale: 2, nullable: true })
  assignmentFee?: number;

  @Field(() => LocalDateResolver, { nullable: true })
  @Column({ type: 'date', nullable: true })
  expectedCloseDate?: string;

  @Field({ nullable: true })
  @Column({ type: 'text', nullable: true })
  lostReason?: string;

  @Column({ type: 'uuid', nullable: true })
  assignedUserId?: string;

  @Field({ description: 'When the deal last changed stage' })
  @Column({ type: 'timestamptz' })
  stageChangedAt: Date = new Date();
}
