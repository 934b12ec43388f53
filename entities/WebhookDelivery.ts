import { EntityRepositoryType } from '@mikro-orm/core';
import { Entity, Enum, Property as Column } from '@mikro-orm/decorators/legacy';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { WebhookDeliveryStatus } from './enums.js';
import { WebhookDeliveryRepository } from './WebhookDeliveryRepository.js';
import { TenantEntity } from './TenantEntity.js';

/** One event for one endpoint: tried on the retry schedule until it succeeds or the schedule ends. */
@ObjectType({ description: 'One event sent to one endpoint, with every attempt', simpleResolvers: true })
@Entity({ tableName: 'webhook_deliveries', repository: () => WebhookDeliveryRepository })
export class WebhookDelivery extends TenantEntity<'status' | 'attempts' | 'replays'> {
  [EntityRepositoryType]?: WebhookDeliveryRepository;

  @Field(() => ID)
  @Column({ type: 'uuid' })
  endpointId!: string;

  @Column({ type: 'uuid' })
  eventId!: string;

  @Field(() => WebhookDeliveryStatus)
  @Enum({ items: () => WebhookDeliveryStatus, nativeEnumName: 'webhook_delivery_status' })
  status: WebhookDeliveryStatus = WebhookDeliveryStatus.PENDING;

  @Field(() => Int, { description: 'Tries so far, replays included' })
  @Column({ type: 'int' })
  attempts: number = 0;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  nextAttemptAt?: Date;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  lastAttemptAt?: Date;

  @Field(() => Int, { nullable: true })
  @Column({ type: 'int', nullable: true })
  lastStatusCode?: number;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  lastError?: string;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  succeededAt?: Date;

  @Field(() => Int)
  @Column({ type: 'int' })
  replays: number = 0;
}
