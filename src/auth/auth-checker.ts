import type { AuthChecker } from 'type-graphql';
import { Role } from '../../entities/enums.js';
import type { Context } from '../context.js';
import { ForbiddenError, UnauthenticatedError } from '../errors/index.js';

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
