import {
  Arg,
  Args,
  ArgsType,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  InputType,
  ObjectType,
  Resolver,
  Subscription,
} from 'type-graphql';
import { Deal } from '../../entities/Deal.js';
import { NotificationKind } from '../../entities/enums.js';
import { Lead } from '../../entities/Lead.js';
import { Notification } from '../../entities/Notification.js';
import { Task } from '../../entities/Task.js';
import { User } from '../../entities/User.js';
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

@ObjectType({ description: 'What you are notified about, and the daily email digest', simpleResolvers: true })
class NotificationPreferences {
  @Field(() => [NotificationKind], { description: 'Kinds you are not notified about (nothing is stored for them)' })
  mutedKinds!: NotificationKind[];

  @Field({ description: 'A daily email of your unread notifications' })
  digestEnabled!: boolean;

  @Field(() => Int, { description: "Hour the digest is sent, in the organization's time zone (0–23)" })
  digestHour!: number;
}

@InputType({ description: 'Only the fields given change' })
class NotificationPreferencesInput {
  @Field(() => [NotificationKind], { nullable: true })
  mutedKinds?: NotificationKind[];

  @Field({ nullable: true })
  digestEnabled?: boolean;

  @Field(() => Int, { nullable: true })
  digestHour?: number;
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
  @Query(() => NotificationPreferences)
  notificationPreferences(@Ctx() ctx: Context): Promise<NotificationPreferences> {
    return ctx.services.notifications.preferences();
  }

  @Authorized()
  @Mutation(() => NotificationPreferences, {
    description: 'Mute kinds, or turn on a daily email digest of your unread notifications at an hour',
  })
  updateNotificationPreferences(
    @Arg('input') input: NotificationPreferencesInput,
    @Ctx() ctx: Context,
  ): Promise<NotificationPreferences> {
    return ctx.services.notifications.updatePreferences(input);
  }

  @FieldResolver(() => Task, { nullable: true })
  task(@Parent() n: Notification, @Ctx() ctx: Context): Promise<Task | null> | null {
    return n.taskId ? ctx.loaders.task.load(n.taskId) : null;
  }

  @FieldResolver(() => Lead, { nullable: true })
  lead(@Parent() n: Notification, @Ctx() ctx: Context): Promise<Lead | null> | null {
    return n.leadId ? ctx.loaders.lead.load(n.leadId) : null;
  }

  @FieldResolver(() => Deal, { nullable: true })
  deal(@Parent() n: Notification, @Ctx() ctx: Context): Promise<Deal | null> | null {
    return n.dealId ? ctx.loaders.deal.load(n.dealId) : null;
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who did what you are notified about' })
  actor(@Parent() n: Notification, @Ctx() ctx: Context): Promise<User | null> | null {
    return n.actorUserId ? ctx.loaders.user.load(n.actorUserId) : null;
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
