import { EntityRepositoryType } from '@mikro-orm/core';
import { Entity, Enum, Property as Column } from '@mikro-orm/decorators/legacy';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { LeadSource, LeadStatus } from './enums.js';
import { LeadRepository } from './LeadRepository.js';
import { TenantEntity } from './TenantEntity.js';

@ObjectType({ description: 'A seller (or prospective seller) the team is working', simpleResolvers: true })
@Entity({ tableName: 'leads', repository: () => LeadRepository })
export class Lead extends TenantEntity<'source' | 'status' | 'openTaskCount' | 'awaitingReply'> {
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

  @Field({ nullable: true, description: 'Last outbound call, text, email, meeting, voicemail or mail (not notes)' })
  @Column({ type: 'timestamptz', nullable: true })
  lastContactedAt?: Date;

  @Field({ nullable: true, description: 'Last message or call from the lead' })
  @Column({ type: 'timestamptz', nullable: true })
  lastInboundAt?: Date;

  @Field({ nullable: true, description: 'Last entry of any kind on the timeline' })
  @Column({ type: 'timestamptz', nullable: true })
  lastActivityAt?: Date;

  @Field({ nullable: true, description: 'Due time of the earliest open task (null: none, or none with a date)' })
  @Column({ type: 'timestamptz', nullable: true })
  nextTaskAt?: Date;

  @Field(() => Int)
  @Column({ type: 'integer' })
  openTaskCount: number = 0;

  @Field(() => Float, {
    nullable: true,
    description: "The property's seller-motivation score (0–100) as last computed; null without a property",
  })
  @Column({ type: 'double', nullable: true })
  score?: number;

  @Field({
    description: 'An inbound message arrived after the last outbound contact: a reply waits for an answer',
  })
  @Column({
    type: 'boolean',
    generated: "(coalesce(last_inbound_at > coalesce(last_contacted_at, '-infinity'::timestamptz), false)) stored",
  })
  awaitingReply: boolean = false;

  /** When the team last opened the conversation (conversation.unreadCount counts inbound after it). */
  @Column({ type: 'timestamptz', nullable: true })
  conversationReadAt?: Date;
}
