import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';

export const TENANT_FILTER = 'tenant';
/** The Postgres setting RLS policies read (see the core migration). */
export const TENANT_SETTING = 'app.organization_id';

/**
 * A fresh EntityManager bound to one organization, enforced twice:
 * - the ORM `tenant` filter adds `organization_id = $org` to every query on a tenant entity;
 * - every statement runs in a transaction that first does `set_config('app.organization_id', $org, true)`,
 *   which the RLS policies compare against, so even raw SQL through this EM sees one tenant only.
 */
export function forkForTenant(orm: MikroORM, organizationId: string): EntityManager {
  const em = orm.em.fork({
    clear: true,
    session: { variables: { [TENANT_SETTING]: organizationId } },
  });
  em.setFilterParams(TENANT_FILTER, { organizationId });
  return em;
}

/**
 * An EntityManager with no tenant. RLS shows it no tenant rows at all; it exists for the few
 * pre-authentication lookups, which go through SECURITY DEFINER functions (see AuthService).
 */
export function forkAnonymous(orm: MikroORM): EntityManager {
  return orm.em.fork({ clear: true });
}
