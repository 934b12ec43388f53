import { EntityRepositoryType } from '@mikro-orm/core';
import { Entity, Enum, Property as Column } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { MessageChannel, SuppressionReason } from './enums.js';
import { SuppressionRepository } from './SuppressionRepository.js';
import { TenantEntity } from './TenantEntity.js';

/**
 * A contact point campaigns no longer try: it hard-bounced or complained. Written by the send path
 * (SuppressionService.suppress), lifted by an admin; a lifted entry stays as history.
 */
@ObjectType({
  description: 'An email or phone campaigns skip (BOUNCED_BEFORE) until an admin lifts it',
  simpleResolvers: true,
})
@Entity({ tableName: 'suppressions', repository: () => SuppressionRepository })
export class Suppression extends TenantEntity<'detail' | 'liftedAt' | 'liftedById'> {
  [EntityRepositoryType]?: SuppressionRepository;

  @Field(() => MessageChannel)
  @Enum({ items: () => MessageChannel, nativeEnumName: 'message_channel' })
  channel!: MessageChannel;

  @Field({ description: 'Lower-cased email or E.164 phone' })
  @Column({ type: 'text' })
  contactPoint!: string;

  @Field(() => SuppressionReason)
  @Enum({ items: () => SuppressionReason })
  reason!: SuppressionReason;

  @Field({ nullable: true, description: 'What the server or carrier answered' })
  @Column({ type: 'text', nullable: true })
  detail?: string;

  @Field({ nullable: true, description: 'When an admin lifted it; null while it applies' })
  @Column({ type: 'timestamptz', nullable: true })
  liftedAt?: Date;

  @Column({ type: 'uuid', nullable: true })
  liftedById?: string;
}
