import {
  Arg,
  Args,
  ArgsType,
  Authorized,
  Ctx,
  Field,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Subscription,
} from 'type-graphql';
import { Notification } from '../../entities/Notification.js';
import { userSubscription } from '../../src/platform/auth/auth-checker.js';
import type { Context } from '../../src/platform/context.js';
import { NotFoundError } from '../../src/platform/errors/index.js';
import { Topics, type NotificationEventPayload } from '../../src/platform/pubsub.js';
import { Connection, PageArgs, pageRequest, toConnection, type ConnectionShape } from '../common/Connection.js';
import { Parent } from '../common/Parent.js';

const NotificationConnection = Connection(Notification, 'Notification');

@ArgsType()
class NotificationsArgs extends PageArgs {
  @Field({ nullable: true, defaultValue: false })
  unreadOnly: boolean = false;
}

@Resolver(() => Notification)
export class NotificationResolver {
  @Authorized()
  @Query(() => NotificationConnection, { description: 'Your notifications, newest first' })
  async notifications(@Args() args: NotificationsArgs, @Ctx() ctx: Context): Promise<ConnectionShape<Notification>> {
    return toConnection(await ctx.services.notifications.page(args.unreadOnly, pageRequest(args)));
  }

  @Authorized()
  @Query(() => Int, { description: 'How many of your notifications are unread' })
  unreadNotificationCount(@Ctx() ctx: Context): Promise<number> {
    return ctx.services.notifications.unreadCount();
  }

  @Authorized()
  @Mutation(() => Int, { description: 'Marks your notifications read (the ids given, or all); returns how many' })
  markNotificationsRead(
    @Ctx() ctx: Context,
    @Arg('ids', () => [ID], { nullable: true }) ids?: string[] | null,
    @Arg('all', () => Boolean, { nullable: true }) all?: boolean | null,
  ): Promise<number> {
    return ctx.services.notifications.markRead(ids, all);
  }

  @Authorized()
  @Subscription(() => Notification, {
    ...userSubscription(Topics.NOTIFICATIONS),
    description: 'Each notification for you as it is stored (only your sockets hear it)',
  })
  async notificationReceived(@Parent() payload: NotificationEventPayload, @Ctx() ctx: Context): Promise<Notification> {
    ctx.renew(); // a fresh EntityManager for every event
    const row = await ctx.services.notifications.forSubscriber(payload.notificationId);
    if (!row) throw new NotFoundError('Notification', payload.notificationId);
    return row;
  }
}
