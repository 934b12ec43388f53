import type { ConnectionType, EntityManager } from '@mikro-orm/postgresql';
import { allowReplicaReads } from './db/replicas.js';
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
  /**
   * The operation's kind (query, mutation, subscription) once Apollo has resolved it; unset over
   * WebSocket. An object, so the copy of the context Apollo executes with shares it.
   */
  operation: { type?: string };
  /** Swaps in a fresh EntityManager and loaders; subscriptions call it per delivered event. */
  renew(): void;
}

export function createContext(
  deps: AppDeps,
  user: AuthUser | null,
  requestId: string,
  /** The operation's logger, or a function that makes it when something first logs (a child logger costs). */
  log: Logger | (() => Logger),
  ip = 'unknown',
  userAgent?: string,
): Context {
  // The EntityManager, loaders and services are made on first use: many operations need only some
  // of them (a token check, a rate-limited refusal, a persisted-query miss need none). Their getters
  // sit on the context's prototype: Apollo executes with a copy of the context made by
  // Object.assign, which would call own enumerable getters (making all three for every request);
  // the copy keeps the prototype, so it shares them, lazily.
  const lazy = {} as Context;
  const ctx = Object.assign(Object.create(lazy) as Context, {
    requestId,
    user,
    ip,
    userAgent,
    deps,
    operation: {},
  });
  let state: { em?: EntityManager; loaders?: Loaders; services?: Services } = {};
  const em = () => (state.em ??= user ? tenantEm(user.organizationId) : forkAnonymous(deps.orm));
  const tenantEm = (organizationId: string) => {
    const fork = forkForTenant(deps.orm, organizationId);
    // A query's lists and analytics may come from a replica that has this organization's last write.
    if (deps.replicas.enabled) {
      let decided: Promise<ConnectionType> | undefined;
      allowReplicaReads(fork, () =>
        ctx.operation.type === 'query'
          ? (decided ??= deps.replicas.connectionFor(organizationId))
          : Promise.resolve('write' as ConnectionType),
      );
    }
    return fork;
  };
  let logger = typeof log === 'function' ? undefined : log;
  Object.defineProperties(lazy, {
    log: { get: () => (logger ??= (log as () => Logger)()) },
    em: { get: em },
    loaders: { get: () => (state.loaders ??= createLoaders(em(), user?.organizationId ?? '')) },
    services: { get: () => (state.services ??= createServices({ em: em(), actor: user, deps })) },
  });
  ctx.renew = () => {
    state = {};
  };
  return ctx;
}
