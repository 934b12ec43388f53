import { EntityRepositoryType } from '@mikro-orm/core';
import { Entity, Enum, Property as Column } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType } from 'type-graphql';
import { InboundKind, MessageChannel } from './enums.js';
import { InboundMessageRepository } from './InboundMessageRepository.js';
import { TenantEntity } from './TenantEntity.js';

/**
 * A message a lead sent us (today: an SMS reply). One row per provider message id, so a webhook the
 * provider delivers twice is handled once. Opt-out and opt-in keywords also land in the consent ledger.
 */
@ObjectType({ description: 'A message received from a contact (an inbound SMS)', simpleResolvers: true })
@Entity({ tableName: 'inbound_messages', repository: () => InboundMessageRepository })
export class InboundMessage extends TenantEntity {
  [EntityRepositoryType]?: InboundMessageRepository;

  @Field(() => MessageChannel)
  @Enum({ items: () => MessageChannel, nativeEnumName: 'message_channel' })
  channel!: MessageChannel;

  @Field({ description: 'E.164 number it came from' })
  @Column({ type: 'text' })
  fromAddress!: string;

  @Field({ description: 'Our number it was sent to' })
  @Column({ type: 'text' })
  toAddress!: string;

  @Field()
  @Column({ type: 'text' })
  body!: string;

  @Field(() => InboundKind)
  @Enum({ items: () => InboundKind, columnType: 'text' })
  kind!: InboundKind;

  @Field()
  @Column({ type: 'text' })
  providerMessageId!: string;

  @Field(() => ID, { nullable: true, description: 'The lead with this phone number, when there is one' })
  @Column({ type: 'uuid', nullable: true })
  leadId?: string;

  @Field(() => ID, { nullable: true, description: 'The campaign message it answers (the latest sent to this number)' })
  @Column({ type: 'uuid', nullable: true })
  campaignRecipientId?: string;

  @Field()
  @Column({ type: 'timestamptz' })
  receivedAt!: Date;
}
