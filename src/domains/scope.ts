import type { AppDeps } from '../platform/deps.js';
import type { EntityManager, FindOneOptions } from '@mikro-orm/postgresql';
import type { AuthUser } from '../platform/auth/tokens.js';
import { User } from '../../entities/User.js';
import { NotFoundError, UnauthenticatedError, ValidationError } from '../platform/errors/index.js';
import { isUuid } from '../platform/validate.js';

/** What a service call runs with: an organization-scoped EntityManager and who is acting. */
export interface ServiceScope {
  em: EntityManager;
  actor: AuthUser | null;
  deps: AppDeps;
}

export function requireActor(scope: ServiceScope): AuthUser {
  if (!scope.actor) throw new UnauthenticatedError();
  return scope.actor;
}

export { isUuid };

/**
 * A member of the caller's organization who can be given work: another organization's id or an
 * unknown one is NOT_FOUND, a deactivated member is BAD_USER_INPUT naming `field`.
 */
export async function activeMember(em: EntityManager, id: string, field: string): Promise<User> {
  const user = await findOrNotFound(em, User, id, 'User');
  if (user.deactivatedAt) throw new ValidationError(`${user.name} is deactivated and cannot be given work`, field);
  return user;
}

/**
 * Loads one row of the caller's organization or throws NOT_FOUND. A malformed id, a missing id and
 * another organization's id all look the same from outside.
 */
export async function findOrNotFound<T extends object>(
  em: EntityManager,
  entity: new (...args: never[]) => T,
  id: string,
  label: string,
  options: FindOneOptions<T> = {},
): Promise<T> {
  const row = isUuid(id) ? await em.findOne(entity, { id: id.toLowerCase() } as never, options as never) : null;
  if (!row) throw new NotFoundError(label, id);
  return row as T;
}
