import { Entity, Enum, Property as Column } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { MessageChannel } from './enums.js';
import { TenantEntity } from './TenantEntity.js';

@ObjectType({ description: 'An email or SMS with merge fields such as {{lead.firstName}}', simpleResolvers: true })
@Entity({ tableName: 'message_templates' })
export class MessageTemplate extends TenantEntity {
  @Field()
  @Column({ type: 'text' })
  name!: string;

  @Field(() => MessageChannel)
  @Enum({ items: () => MessageChannel, nativeEnumName: 'message_channel' })
  channel!: MessageChannel;

  @Field({ nullable: true, description: 'Email only' })
  @Column({ type: 'text', nullable: true })
  subject?: string;

  @Field()
  @Column({ type: 'text' })
  body!: string;

  @Field({ nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  archivedAt?: Date;
}
