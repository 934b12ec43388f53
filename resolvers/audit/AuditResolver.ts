import { Args, ArgsType, Authorized, Ctx, Field, FieldResolver, ID, InputType, Query, Resolver } from 'type-graphql';
import { User } from '../../entities/User.js';
import { Parent } from '../common/Parent.js';
import { MANAGERS } from '../../src/platform/auth/auth-checker.js';
import type { Context } from '../../src/platform/context.js';
import { PageArgs, pageRequest, toConnection } from '../common/Connection.js';
import { AuditEntry, AuditEntryConnection } from './AuditEntry.js';

@InputType()
export class AuditFilterInput {
  @Field(() => String, { nullable: true, description: 'Table, e.g. "deals"' })
  entity?: string | null;

  @Field(() => String, { nullable: true, description: 'Row id (with entity)' })
  entityId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Changes made by this member (or their API keys)' })
  actorUserId?: string | null;

  @Field(() => String, { nullable: true, description: 'Mutation name, e.g. "moveDeal"' })
  operation?: string | null;

  @Field(() => Date, { nullable: true })
  since?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Exclusive' })
  until?: Date | null;
}

@ArgsType()
class AuditLogArgs extends PageArgs {
  @Field(() => AuditFilterInput, { nullable: true })
  filter?: AuditFilterInput | null;
}

@Resolver(() => AuditEntry)
export class AuditResolver {
  @Authorized(MANAGERS)
  @Query(() => AuditEntryConnection, {
    description:
      'Every row mutations created, changed or deleted, newest first (OWNER/ADMIN). Kept for the ' +
      "organization's auditRetentionDays.",
  })
  async auditLog(@Args() args: AuditLogArgs, @Ctx() ctx: Context) {
    const { first, after } = pageRequest(args);
    const page = await ctx.services.audit.page(args.filter ?? {}, first, after);
    return toConnection({
      ...page,
      items: page.items.map((e) => ({
        ...e,
        changes: e.changes.map((c) => ({
          field: c.field,
          before: c.before === undefined || c.before === null ? null : JSON.stringify(c.before),
          after: c.after === undefined || c.after === null ? null : JSON.stringify(c.after),
        })),
      })),
    });
  }

  @FieldResolver(() => User, { nullable: true })
  actor(@Parent() entry: AuditEntry, @Ctx() ctx: Context): Promise<User | null> | null {
    return entry.actorUserId ? ctx.loaders.user.load(entry.actorUserId) : null;
  }
}
