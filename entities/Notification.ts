import { Entity, Enum, Property as Column } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { NotificationKind } from './enums.js';
import { NotificationRepository } from './NotificationRepository.js';
import { TenantEntity } from './TenantEntity.js';
import { EntityRepositoryType } from '@mikro-orm/core';

@ObjectType({ description: 'Something one user should know about, in their inbox', simpleResolvers: true })
@Entity({ tableName: 'notifications', repository: () => NotificationRepository })
export class Notification extends TenantEntity {
  [EntityRepositoryType]?: NotificationRepository;

  @Column({ type: 'uuid' })
  userId!: string;

  @Field(() => NotificationKind)
  @Enum({ items: () => NotificationKind, nativeEnumName: 'notification_kind' })
  kind!: NotificationKind;

  @Field()
  @Column({ type: 'text' })
  title!: string;

  @Field({ nullable: true })
  @Column({ type: 'text', nullable: true })
  body?: string;

  @Column({ type: 'uuid', nullable: true })
  taskId?: string;

  @Column({ type: 'uuid', nullable: true })
  leadId?: string;

  @Column({ type: 'uuid', nullable: true })
  dealId?: string;

  @Column({ type: 'uuid', nullable: true })
  actorUserId?: string;

  /** One notification per key and organization: a repeated job or event notifies once. */
  @Column({ type: 'text' })
  dedupeKey!: string;

  @Field({ nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  readAt?: Date;
}
