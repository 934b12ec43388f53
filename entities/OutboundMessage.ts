import { Entity, Enum, Property as Column } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType } from 'type-graphql';
import { MessageChannel, MessageStatus } from './enums.js';
import { TenantEntity } from './TenantEntity.js';

@ObjectType({
  description: 'One message to one lead, rendered from a template when it was queued',
  simpleResolvers: true,
})
@Entity({ tableName: 'outbound_messages' })
export class OutboundMessage extends TenantEntity<'status'> {
  @Field(() => ID)
  @Column({ type: 'uuid' })
  leadId!: string;

  /** The template it was rendered from; none for a typed text. */
  @Column({ type: 'uuid', nullable: true })
  templateId?: string;

  @Field(() => MessageChannel)
  @Enum({ items: () => MessageChannel, nativeEnumName: 'message_channel' })
  channel!: MessageChannel;

  @Field({ description: 'The email address or E.164 phone it goes to' })
  @Column({ type: 'text' })
  toAddress!: string;

  @Field({ nullable: true })
  @Column({ type: 'text', nullable: true })
  subject?: string;

  @Field()
  @Column({ type: 'text' })
  body!: string;

  @Field(() => MessageStatus)
  @Enum({ items: () => MessageStatus, nativeEnumName: 'message_status' })
  status: MessageStatus = MessageStatus.QUEUED;

  @Field({
    nullable: true,
    description: 'BLOCKED: DNC, OPTED_OUT or NO_CONSENT; FAILED/UNDELIVERED: what the server or carrier said',
  })
  @Column({ type: 'text', nullable: true })
  error?: string;

  @Field({ nullable: true, description: 'The id the mail server gave the message' })
  @Column({ type: 'text', nullable: true })
  providerMessageId?: string;

  @Field({ nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  sentAt?: Date;

  @Column({ type: 'uuid', nullable: true })
  sentById?: string;

  @Field({ nullable: true, description: 'A text held for the texting window goes out at this time' })
  @Column({ type: 'timestamptz', nullable: true })
  scheduledFor?: Date;

  @Field({ nullable: true, description: 'SMS: when the carrier reported delivery' })
  @Column({ type: 'timestamptz', nullable: true })
  deliveredAt?: Date;
}
