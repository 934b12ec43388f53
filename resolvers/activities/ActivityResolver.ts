import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, FieldResolver, Info, Mutation, Resolver } from 'type-graphql';
import { Parent } from '../common/Parent.js';
import { Reads } from '../../src/platform/loaders/selection.js';
import { Activity } from '../../entities/Activity.js';
import { Lead } from '../../entities/Lead.js';
import { User } from '../../entities/User.js';
import { WRITERS } from '../../src/platform/auth/auth-checker.js';
import type { Context } from '../../src/platform/context.js';
import { LogActivityInput } from './ActivityInput.js';

@Resolver(() => Activity)
export class ActivityResolver {
  @Authorized(WRITERS)
  @Mutation(() => Activity, { description: 'Add a call, text, email, note… to a lead’s timeline' })
  logActivity(@Arg('input') input: LogActivityInput, @Ctx() ctx: Context): Promise<Activity> {
    return ctx.services.activities.log(input);
  }

  @FieldResolver(() => Lead, { nullable: true })
  @Reads('leadId')
  lead(@Parent() activity: Activity, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<Lead | null> {
    return ctx.loaders.lead.selecting(info).load(activity.leadId);
  }

  @FieldResolver(() => User, { nullable: true })
  @Reads('userId')
  user(
    @Parent() activity: Activity,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<User | null> | null {
    return activity.userId ? ctx.loaders.user.selecting(info).load(activity.userId) : null;
  }
}
