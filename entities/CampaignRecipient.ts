import { EntityRepositoryType } from '@mikro-orm/core';
import { Entity, Enum, Property as Column } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { CampaignRecipientRepository } from './CampaignRecipientRepository.js';
import { RecipientStatus, SkipReason } from './enums.js';
import { TenantEntity } from './TenantEntity.js';

@ObjectType({ description: 'One lead of a launched campaign and what happened to its message', simpleResolvers: true })
@Entity({ tableName: 'campaign_recipients', repository: () => CampaignRecipientRepository })
export class CampaignRecipient extends TenantEntity<'status'> {
  [EntityRepositoryType]?: CampaignRecipientRepository;

  @Column({ type: 'uuid' })
  campaignId!: string;

  @Column({ type: 'uuid' })
  leadId!: string;

  @Field({ nullable: true, description: 'Lower-cased email or E.164 phone; empty when the lead had none' })
  @Column({ type: 'text', nullable: true })
  toAddress?: string;

  @Field({ nullable: true, description: 'IANA time zone used for the sending window (from the property’s state)' })
  @Column({ type: 'text', nullable: true })
  timeZone?: string;

  @Field(() => RecipientStatus)
  @Enum({ items: () => RecipientStatus, nativeEnumName: 'recipient_status' })
  status: RecipientStatus = RecipientStatus.QUEUED;

  @Field(() => SkipReason, { nullable: true })
  @Enum({ items: () => SkipReason, nativeEnumName: 'skip_reason', nullable: true })
  reason?: SkipReason;

  @Field({ nullable: true, description: 'QUIET_HOURS_DEFERRED: when the window opens' })
  @Column({ type: 'timestamptz', nullable: true })
  deferredUntil?: Date;

  @Field({ nullable: true })
  @Column({ type: 'text', nullable: true })
  error?: string;

  @Field({ nullable: true })
  @Column({ type: 'text', nullable: true })
  providerMessageId?: string;

  @Field({ nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  sentAt?: Date;

  @Field({ nullable: true, description: 'SMS: when the provider reported delivery' })
  @Column({ type: 'timestamptz', nullable: true })
  deliveredAt?: Date;

  @Field({ nullable: true, description: 'Email: first load of the open pixel' })
  @Column({ type: 'timestamptz', nullable: true })
  openedAt?: Date;

  @Field({ nullable: true, description: 'Email: first tracked link followed' })
  @Column({ type: 'timestamptz', nullable: true })
  clickedAt?: Date;

  @Field({ nullable: true, description: 'SMS: first reply from the lead' })
  @Column({ type: 'timestamptz', nullable: true })
  repliedAt?: Date;

  @Field({
    nullable: true,
    description: 'When the recipient used the unsubscribe link (the address is then OPTED_OUT)',
  })
  @Column({ type: 'timestamptz', nullable: true })
  unsubscribedAt?: Date;
}
