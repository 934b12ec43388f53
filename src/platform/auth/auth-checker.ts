import type { AuthChecker } from 'type-graphql';
import { Role } from '../../../entities/enums.js';
import type { SubscribeResolverData, SubscriptionHandlerData } from 'type-graphql';
import type { Context } from '../context.js';
import { ForbiddenError, UnauthenticatedError } from '../errors/index.js';
import type { TopicArgs } from '../pubsub.js';

/** Roles that may change data. VIEWER reads only. */
export const WRITERS = [Role.OWNER, Role.ADMIN, Role.AGENT];
/** Roles that manage users and can undo closed deals. */
export const MANAGERS = [Role.OWNER, Role.ADMIN];

/**
 * `@Authorized()` needs a signed-in user; `@Authorized(roles)` needs one of those roles.
 * No user is UNAUTHENTICATED; the wrong role is FORBIDDEN.
 */
export const authChecker: AuthChecker<Context, Role> = ({ context }, roles) => {
  const user = context.user;
  if (!user) throw new UnauthenticatedError();
  if (roles.length && !roles.includes(user.role)) {
    throw new ForbiddenError(`This needs one of the roles ${roles.join(', ')}; you are ${user.role}`);
  }
  return true;
};

/** The organization a subscription belongs to: the signed-in socket's. */
export function subscriberOrg(ctx: Context): string {
  if (!ctx.user) throw new UnauthenticatedError();
  return ctx.user.organizationId;
}

/**
 * The routing every subscription uses: the channel of `topic` for the subscriber's own
 * organization (so other organizations' events never reach the socket), the organization checked
 * again on each event, and `matches` for what the subscription narrows to (one job, one campaign).
 */
export function organizationSubscription<T extends keyof TopicArgs>(
  topic: T,
  matches: (payload: TopicArgs[T][1], args: Record<string, unknown>) => boolean = () => true,
) {
  type Subscribe = SubscribeResolverData<unknown, Record<string, unknown>, Context>;
  type Event = SubscriptionHandlerData<TopicArgs[T][1], Record<string, unknown>, Context>;
  return {
    topics: ({ context }: Subscribe) => context.deps.pubsub.topic(topic),
    topicId: ({ context }: Subscribe) => subscriberOrg(context),
    filter: ({ payload, args, context }: Event) =>
      payload.organizationId === subscriberOrg(context) && matches(payload, args),
  };
}

/**
 * The routing of a per-user subscription: the channel of `topic` for the subscriber alone (other
 * users, of this organization or another, are never sent the event), checked again on each event.
 */
export function userSubscription<T extends keyof TopicArgs>(topic: T) {
  type Subscribe = SubscribeResolverData<unknown, Record<string, unknown>, Context>;
  type Event = SubscriptionHandlerData<TopicArgs[T][1], Record<string, unknown>, Context>;
  const subscriber = (ctx: Context) => {
    if (!ctx.user) throw new UnauthenticatedError();
    return ctx.user;
  };
  return {
    topics: ({ context }: Subscribe) => context.deps.pubsub.topic(topic),
    topicId: ({ context }: Subscribe) => subscriber(context).id,
    filter: ({ payload, context }: Event) => {
      const user = subscriber(context);
      const p = payload as { organizationId: string; userId?: string };
      return p.organizationId === user.organizationId && p.userId === user.id;
    },
  };
}
