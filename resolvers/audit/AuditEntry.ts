import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { User } from '../../entities/User.js';
import { Connection } from '../common/Connection.js';

export enum AuditAction {
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
  DELETED = 'DELETED',
}
registerEnumType(AuditAction, { name: 'AuditAction' });

@ObjectType({ description: 'One field of a changed row', simpleResolvers: true })
export class AuditChange {
  @Field({ description: 'Column name, e.g. "stage" or "assigned_user_id"' })
  field!: string;

  @Field(() => String, {
    nullable: true,
    description: 'The value before, as JSON (null for a created row); secrets read "[redacted]"',
  })
  before!: string | null;

  @Field(() => String, { nullable: true, description: 'The value after, as JSON (null for a deleted row)' })
  after!: string | null;
}

@ObjectType({ description: 'A row a mutation created, changed or deleted: who, what, when, from where' })
export class AuditEntry {
  @Field(() => ID)
  id!: string;

  @Field()
  at!: Date;

  actorUserId!: string | null;

  @Field(() => User, { nullable: true, description: 'Who (for an API key: its creator); null when signing up' })
  actor?: User | null;

  @Field(() => ID, { nullable: true, description: 'The API key that made the change, if one did' })
  apiKeyId!: string | null;

  @Field(() => String, { nullable: true })
  ip!: string | null;

  @Field(() => String, { nullable: true })
  userAgent!: string | null;

  @Field(() => String, { nullable: true, description: 'The request (X-Request-Id) that made the change' })
  requestId!: string | null;

  @Field({ description: 'The mutation, e.g. "moveDeal"' })
  operation!: string;

  @Field({ description: 'The table, e.g. "deals"' })
  entity!: string;

  @Field()
  entityId!: string;

  @Field(() => AuditAction)
  action!: AuditAction;

  @Field(() => [AuditChange], { description: 'Changed fields (every field of a created or deleted row)' })
  changes!: AuditChange[];
}

export const AuditEntryConnection = Connection(AuditEntry, 'AuditEntry');
