import { Entity, Property as Column } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { TenantEntity } from './TenantEntity.js';

/** Where an organization's events are POSTed, signed per Standard Webhooks. */
@ObjectType({
  description: 'A URL that receives the organization’s events, signed (Standard Webhooks)',
  simpleResolvers: true,
})
@Entity({ tableName: 'webhook_endpoints' })
export class WebhookEndpoint extends TenantEntity<'enabled'> {
  @Field()
  @Column({ type: 'text' })
  url!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  description?: string;

  @Field(() => [String], { description: 'Event types it receives (see docs/integrations.md); ["*"] for all' })
  @Column({ type: 'text[]' })
  eventTypes!: string[];

  @Field()
  @Column({ type: 'boolean' })
  enabled: boolean = true;

  @Field(() => String, { nullable: true, description: 'Why it was disabled (by a person or after failing for days)' })
  @Column({ type: 'text', nullable: true })
  disabledReason?: string;

  /** The signing secret, encrypted (see webhook-secrets.ts). */
  @Column({ type: 'text', hidden: true })
  secret!: string;

  /** The secret before the last rotation, encrypted; it still signs until previousSecretUntil. */
  @Column({ type: 'text', nullable: true, hidden: true })
  previousSecret?: string;

  @Field(() => Date, { nullable: true, description: 'Until then deliveries carry the old secret’s signature too' })
  @Column({ type: 'timestamptz', nullable: true })
  previousSecretUntil?: Date;

  @Field(() => Date, {
    nullable: true,
    description: 'Deliveries have failed since then (null: the last one succeeded)',
  })
  @Column({ type: 'timestamptz', nullable: true })
  failingSince?: Date;

  @Column({ type: 'uuid', nullable: true })
  createdById?: string;
}
