import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver } from 'type-graphql';
import { Parent } from '../common/Parent.js';
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
  lead(@Parent() activity: Activity, @Ctx() ctx: Context): Promise<Lead | null> {
    return ctx.loaders.lead.load(activity.leadId);
  }

  @FieldResolver(() => User, { nullable: true })
  user(@Parent() activity: Activity, @Ctx() ctx: Context): Promise<User | null> | null {
    return activity.userId ? ctx.loaders.user.load(activity.userId) : null;
  }
}
