import { Entity, Enum, Property as Column } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType } from 'type-graphql';
import { Role } from './enums.js';
import { TenantEntity } from './TenantEntity.js';

/**
 * A credential for a server: `Authorization: Bearer reos_live_…` acts in its organization with its
 * role (never above its creator's current role), attributed to its creator. Only a hash is stored.
 */
@ObjectType({ description: 'An API key for servers; the key itself is shown once, at creation', simpleResolvers: true })
@Entity({ tableName: 'api_keys' })
export class ApiKey extends TenantEntity {
  @Field()
  @Column({ type: 'text' })
  name!: string;

  @Field(() => Role, { description: 'ADMIN, AGENT or VIEWER (capped at the creator’s current role)' })
  @Enum({ items: () => Role, nativeEnumName: 'user_role' })
  role!: Role;

  @Field({ description: 'The key’s first characters, to recognise it (reos_live_XXXXXX)' })
  @Column({ type: 'text' })
  prefix!: string;

  @Column({ type: 'text', hidden: true })
  keyHash!: string;

  @Field(() => ID)
  @Column({ type: 'uuid' })
  createdById!: string;

  @Field(() => Date, { nullable: true, description: 'Updated at most once a minute' })
  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt?: Date;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  expiresAt?: Date;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  revokedAt?: Date;
}
