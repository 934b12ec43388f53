import type { AuthUser } from '../auth/tokens.js';
import type { AppDeps } from '../deps.js';
import { createServices, type Services } from '../../domains/index.js';
import { withTenant } from './tenant-em.js';

/**
 * The platform's way into one organization for a unit of work that is not a GraphQL request (those
 * get theirs from the context): a job, a signed-token route (unsubscribe, tracking, share), an SMS
 * gateway report. `fn` runs in the organization's tenant scope — every connection it reserves
 * carries the organization for row-level security — with services bound to one fresh
 * EntityManager whose ORM filter adds the organization to every query.
 */
export function inOrganization<T>(
  deps: AppDeps,
  organizationId: string,
  fn: (services: Services) => Promise<T>,
  actor: AuthUser | null = null,
): Promise<T> {
  return withTenant(deps.orm, organizationId, async (em) => {
    try {
      return await fn(createServices({ em, actor, deps }));
    } finally {
      // Its writes are what the organization's next replica reads must include (src/platform/db/replicas.ts).
      if (deps.replicas.enabled) await deps.replicas.recordWrite(organizationId).catch(() => undefined);
    }
  });
}
