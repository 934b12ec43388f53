import { Entity, Enum, Property as Column } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { Role } from './enums.js';
import { TenantEntity } from './TenantEntity.js';

@ObjectType({
  description: 'An invitation to join an organization; the token itself is shown once, on creation',
  simpleResolvers: true,
})
@Entity({ tableName: 'invitations' })
export class Invitation extends TenantEntity {
  @Field()
  @Column({ type: 'text' })
  email!: string;

  @Field()
  @Column({ type: 'text' })
  name!: string;

  @Field(() => Role)
  @Enum({ items: () => Role, nativeEnumName: 'user_role' })
  role!: Role;

  @Column({ type: 'text', hidden: true })
  tokenHash!: string;

  @Column({ type: 'uuid' })
  invitedById!: string;

  @Field()
  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  @Field({ nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  acceptedAt?: Date;

  @Field({ nullable: true, description: 'Set by revokeInvitation; a revoked invitation cannot be accepted' })
  @Column({ type: 'timestamptz', nullable: true })
  revokedAt?: Date;
}
