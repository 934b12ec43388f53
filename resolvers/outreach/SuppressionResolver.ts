import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { MessageChannel } from '../../entities/enums.js';
import { Suppression } from '../../entities/Suppression.js';
import { MANAGERS } from '../../src/platform/auth/auth-checker.js';
import type { Context } from '../../src/platform/context.js';
import { Connection, PageArgs, pageRequest, toConnection, type ConnectionShape } from '../common/Connection.js';

const SuppressionConnection = Connection(Suppression, 'Suppression');

@Resolver()
export class SuppressionResolver {
  @Authorized()
  @Query(() => SuppressionConnection, {
    description: 'Contact points campaigns skip as BOUNCED_BEFORE (hard bounces, complaints), newest first',
  })
  async suppressions(
    @Ctx() ctx: Context,
    @Args() page: PageArgs,
    @Arg('channel', () => MessageChannel, { nullable: true }) channel?: MessageChannel,
    @Arg('includeLifted', { nullable: true, description: 'Also list entries an admin lifted' }) includeLifted?: boolean,
  ): Promise<ConnectionShape<Suppression>> {
    return toConnection(await ctx.services.suppressions.list({ channel, includeLifted }, pageRequest(page)));
  }

  @Authorized(MANAGERS)
  @Mutation(() => Suppression, {
    description: 'OWNER/ADMIN: lets campaigns try this contact point again (e.g. the mailbox was fixed)',
  })
  liftSuppression(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Suppression> {
    return ctx.services.suppressions.lift(id);
  }
}
