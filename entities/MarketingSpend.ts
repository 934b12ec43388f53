import { DecimalType } from '@mikro-orm/core';
import { Entity, Enum, Property as Column } from '@mikro-orm/decorators/legacy';
import { LocalDateResolver } from '../src/platform/graphql/scalars.js';
import { Field, Float, ID, ObjectType } from 'type-graphql';
import { LeadSource } from './enums.js';
import { TenantEntity } from './TenantEntity.js';

@ObjectType({
  description: 'Money spent on marketing over a period (a mail drop, a PPC month, a bought list)',
  simpleResolvers: true,
})
@Entity({ tableName: 'marketing_spend' })
export class MarketingSpend extends TenantEntity {
  @Field(() => LeadSource, { description: 'The lead source the money bought' })
  @Enum({ items: () => LeadSource, nativeEnumName: 'lead_source' })
  source!: LeadSource;

  @Field(() => ID, { nullable: true, description: 'The campaign it paid for, when one' })
  @Column({ type: 'uuid', nullable: true })
  campaignId?: string;

  @Field()
  @Column({ type: 'text' })
  label!: string;

  @Field(() => Float)
  @Column({ type: new DecimalType('number'), precision: 14, scale: 2 })
  amount!: number;

  @Field(() => LocalDateResolver, { description: 'First day the money covers' })
  @Column({ type: 'date' })
  periodStart!: string;

  @Field(() => LocalDateResolver, { description: 'Last day it covers (inclusive); spread evenly per day' })
  @Column({ type: 'date' })
  periodEnd!: string;

  @Column({ type: 'uuid', nullable: true })
  createdById?: string;
}
