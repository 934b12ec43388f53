import { Entity, Property as Column } from '@mikro-orm/decorators/legacy';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { TenantEntity } from './TenantEntity.js';

@ObjectType({ description: 'One HTTP request of a delivery and what came back', simpleResolvers: true })
@Entity({ tableName: 'webhook_attempts' })
export class WebhookAttempt extends TenantEntity<'replay'> {
  @Field(() => ID)
  @Column({ type: 'uuid' })
  deliveryId!: string;

  @Field(() => Int, { description: '1 for the first try' })
  @Column({ type: 'int' })
  attempt!: number;

  @Field({ description: 'Sent by replayWebhookDelivery' })
  @Column({ type: 'boolean' })
  replay: boolean = false;

  @Field(() => Int, { nullable: true, description: 'HTTP status; null when no response came' })
  @Column({ type: 'int', nullable: true })
  statusCode?: number;

  @Field(() => Int)
  @Column({ type: 'int' })
  latencyMs!: number;

  @Field(() => String, { nullable: true, description: 'Timeout, refused connection, refused target, non-2xx' })
  @Column({ type: 'text', nullable: true })
  error?: string;

  @Field(() => String, { nullable: true, description: 'The first 1,024 characters of the response body' })
  @Column({ type: 'text', nullable: true })
  responseExcerpt?: string;
}
