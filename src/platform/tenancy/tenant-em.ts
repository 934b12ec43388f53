import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { runAsTenant } from './tenant-context.js';

export { TENANT_SETTING, runAsTenant, currentTenant } from './tenant-context.js';
export const TENANT_FILTER = 'tenant';

/**
 * A fresh EntityManager whose ORM `tenant` filter adds `organization_id = $org` to every query on a
 * tenant entity. The database half of the isolation (RLS) follows the tenant scope the code runs in
 * (`runAsTenant`/`withTenant`): requests, jobs and loaders each enter theirs. Used outside a scope,
 * or inside another organization's, it reads nothing: both layers must agree.
 */
export function forkForTenant(orm: MikroORM, organizationId: string): EntityManager {
  const em = orm.em.fork({ clear: true });
  em.setFilterParams(TENANT_FILTER, { organizationId });
  return em;
}

/** Runs `fn` in `organizationId`'s tenant scope with an EntityManager bound to it. */
export function withTenant<T>(
  orm: MikroORM,
  organizationId: string,
  fn: (em: EntityManager) => Promise<T>,
): Promise<T> {
  return runAsTenant(organizationId, () => fn(forkForTenant(orm, organizationId)));
}

/**
 * An EntityManager with no tenant. RLS shows it no tenant rows at all; it exists for the few
 * pre-authentication lookups, which go through SECURITY DEFINER functions (see AuthService).
 */
export function forkAnonymous(orm: MikroORM): EntityManager {
  return orm.em.fork({ clear: true });
}
