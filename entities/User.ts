import { Entity, Enum, Property as Column } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { Role } from './enums.js';
import { TenantEntity } from './TenantEntity.js';

@ObjectType({ description: 'A member of an organization', simpleResolvers: true })
@Entity({ tableName: 'users' })
export class User extends TenantEntity<'authEpoch'> {
  /** Stored lower-cased; unique across all organizations so login needs no organization. */
  @Field()
  @Column({ type: 'text' })
  email!: string;

  @Field()
  @Column({ type: 'text' })
  name!: string;

  @Field(() => Role)
  @Enum({ items: () => Role, nativeEnumName: 'user_role' })
  role!: Role;

  @Column({ type: 'text', lazy: true, hidden: true })
  passwordHash!: string;

  @Field({ nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  lastLoginAt?: Date;

  @Field(() => Date, { nullable: true, description: 'Set by deactivateUser: cannot sign in, cannot be assigned work' })
  @Column({ type: 'timestamptz', nullable: true })
  deactivatedAt?: Date | null;

  /** Moves when the user is deactivated or their role changes; access tokens carry the one they were issued in. */
  @Column({ type: 'int', hidden: true })
  authEpoch: number = 0;
}
