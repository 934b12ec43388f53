import { EntityRepositoryType } from '@mikro-orm/core';
import { Entity, Enum, Property as Column } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { LeadSource, LeadStatus } from './enums.js';
import { LeadRepository } from './LeadRepository.js';
import { TenantEntity } from './TenantEntity.js';

@ObjectType({ description: 'A seller (or prospective seller) the team is working', simpleResolvers: true })
@Entity({ tableName: 'leads', repository: () => LeadRepository })
export class Lead extends TenantEntity<'source' | 'status'> {
  [EntityRepositoryType]?: LeadRepository;

  @Field()
  @Column({ type: 'text' })
  firstName!: string;

  @Field()
  @Column({ type: 'text' })
  lastName!: string;

  @Field({ nullable: true })
  @Column({ type: 'text', nullable: true })
  email?: string;

  @Field({ nullable: true, description: 'E.164, e.g. +15125550123' })
  @Column({ type: 'text', nullable: true })
  phone?: string;

  @Field(() => LeadSource)
  @Enum({ items: () => LeadSource, nativeEnumName: 'lead_source' })
  source: LeadSource = LeadSource.OTHER;

  @Field(() => LeadStatus)
  @Enum({ items: () => LeadStatus, nativeEnumName: 'lead_status' })
  status: LeadStatus = LeadStatus.NEW;

  @Field({ nullable: true })
  @Column({ type: 'text', nullable: true })
  motivation?: string;

  @Column({ type: 'uuid', nullable: true })
  propertyId?: string;

  @Column({ type: 'uuid', nullable: true })
  assignedUserId?: string;
}
