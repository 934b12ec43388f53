import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuthUser } from './auth/tokens.js';
import type { Logger } from './observability/logger.js';
import { createLoaders, type Loaders } from './loaders/index.js';
import type { AppDeps } from './deps.js';
import { createServices, type Services } from '../domains/index.js';
import { forkAnonymous, forkForTenant } from './tenancy/tenant-em.js';

/** The typed GraphQL context: one per HTTP request, one per WebSocket subscription. */
export interface Context {
  requestId: string;
  user: AuthUser | null;
  /** The client's address (behind a proxy only with TRUST_PROXY); identifies anonymous callers. */
  ip: string;
  /** The client's User-Agent header (HTTP), recorded on the sessions it starts. */
  userAgent?: string;
  em: EntityManager;
  loaders: Loaders;
  services: Services;
  deps: AppDeps;
  log: Logger;
  /** Swaps in a fresh EntityManager and loaders; subscriptions call it per delivered event. */
  renew(): void;
}

export function createContext(
  deps: AppDeps,
  user: AuthUser | null,
  requestId: string,
  log: Logger,
  ip = 'unknown',
  userAgent?: string,
): Context {
  const ctx = { requestId, user, ip, userAgent, deps, log } as Context;
  // The EntityManager, loaders and services are made on first use: many operations need only some
  // of them (a token check, a rate-limited refusal, a persisted-query miss need none).
  let state: { em?: EntityManager; loaders?: Loaders; services?: Services } = {};
  const em = () => (state.em ??= user ? forkForTenant(deps.orm, user.organizationId) : forkAnonymous(deps.orm));
  Object.defineProperties(ctx, {
    em: { get: em, enumerable: true },
    loaders: { get: () => (state.loaders ??= createLoaders(em(), user?.organizationId ?? '')), enumerable: true },
    services: { get: () => (state.services ??= createServices({ em: em(), actor: user, deps })), enumerable: true },
  });
  ctx.renew = () => {
    state = {};
  };
  return ctx;
}
