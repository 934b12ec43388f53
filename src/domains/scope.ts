import type { AppDeps } from '../platform/deps.js';
import type { EntityManager, FindOneOptions } from '@mikro-orm/postgresql';
import type { AuthUser } from '../platform/auth/tokens.js';
import { NotFoundError, UnauthenticatedError } from '../platform/errors/index.js';
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
