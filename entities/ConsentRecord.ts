import { Entity, Enum, Property as Column } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { ConsentStatus, MessageChannel } from './enums.js';
import { TenantEntity } from './TenantEntity.js';

@ObjectType({ description: 'One entry of the consent ledger for a contact point (append-only)', simpleResolvers: true })
@Entity({ tableName: 'consent_records' })
export class ConsentRecord extends TenantEntity {
  @Field(() => MessageChannel)
  @Enum({ items: () => MessageChannel, nativeEnumName: 'message_channel' })
  channel!: MessageChannel;

  @Field({ description: 'Lower-cased email or E.164 phone' })
  @Column({ type: 'text' })
  contactPoint!: string;

  @Field(() => ConsentStatus)
  @Enum({ items: () => ConsentStatus, nativeEnumName: 'consent_status' })
  status!: ConsentStatus;

  @Field({ description: 'Where it came from: WEB_FORM, CALL, SMS_REPLY, EMAIL_UNSUBSCRIBE, IMPORT, MANUAL…' })
  @Column({ type: 'text' })
  source!: string;

  @Field({ nullable: true, description: 'What proves it: a form id, a call note, the message text' })
  @Column({ type: 'text', nullable: true })
  evidence?: string;

  @Field()
  @Column({ type: 'timestamptz' })
  recordedAt!: Date;

  @Column({ type: 'uuid', nullable: true })
  recordedById?: string;
}
