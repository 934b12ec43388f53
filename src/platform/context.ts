import type { ConnectionType, EntityManager } from '@mikro-orm/postgresql';
import { allowReplicaReads } from './db/replicas.js';
import type { AuthUser } from './auth/tokens.js';
import type { Logger } from './observability/logger.js';
import { Loaders } from './loaders/index.js';
import type { AppDeps } from './deps.js';
import { createServices, type ServiceScope, type Services } from '../domains/index.js';
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
  return new RequestContext(deps, user, requestId, log, ip, userAgent);
}

/** What a context makes on first use; one object, shared by the context and Apollo's copy of it. */
interface Made {
  em?: EntityManager;
  loaders?: Loaders;
  services?: Services;
  log?: Logger;
}

/**
 * The EntityManager, loaders, services and logger are made on first use: many operations need only
 * some of them (a token check, a rate-limited refusal, a persisted-query miss need none). They are
 * getters of the class, not own properties: Apollo executes with a copy of the context made by
 * Object.assign onto the same prototype, which copies own properties only, so the copy shares `made`
 * and makes each of them once, lazily. One class keeps every context the same shape, which a
 * per-request `Object.defineProperties` did not (docs/architecture.md, Performance).
 */
class RequestContext implements Context {
  readonly operation: { type?: string } = {};
  private readonly made: Made = {};

  constructor(
    readonly deps: AppDeps,
    readonly user: AuthUser | null,
    readonly requestId: string,
    private readonly makeLog: Logger | (() => Logger),
    readonly ip: string,
    readonly userAgent: string | undefined,
  ) {}

  get log(): Logger {
    return (this.made.log ??= typeof this.makeLog === 'function' ? this.makeLog() : this.makeLog);
  }

  get em(): EntityManager {
    return (this.made.em ??= this.user ? this.tenantEm(this.user.organizationId) : forkAnonymous(this.deps.orm));
  }

  /**
   * Loaders send plain statements through the ORM's shared connection (the tenant scope is the
   * request's, entered by the platform), so they need no forked EntityManager: a read answered by
   * loaders alone never makes one.
   */
  get loaders(): Loaders {
    return (this.made.loaders ??= new Loaders(this.deps.orm.em, this.user?.organizationId ?? ''));
  }

  /** The services, with the EntityManager forked when a service first uses it. */
  get services(): Services {
    return (this.made.services ??= createServices(new ContextScope(this)));
  }

  renew(): void {
    this.made.em = this.made.loaders = this.made.services = undefined;
  }

  private tenantEm(organizationId: string): EntityManager {
    const { orm, replicas } = this.deps;
    const fork = forkForTenant(orm, organizationId);
    // A query's lists and analytics may come from a replica that has this organization's last write.
    if (replicas.enabled) {
      let decided: Promise<ConnectionType> | undefined;
      allowReplicaReads(fork, () =>
        this.operation.type === 'query'
          ? (decided ??= replicas.connectionFor(organizationId))
          : Promise.resolve('write' as ConnectionType),
      );
    }
    return fork;
  }
}

/**
 * The services' scope for a request: `em` defers to the context's getter, so the fork is made when
 * a service first uses it. Its properties are its own and enumerable, as services spread a scope to
 * make another (`{ ...this.scope, em: tx }`). Not an object literal with a getter: a literal's getter
 * is a new function per request, and V8 then kept every such request's objects alive until a full
 * collection (docs/architecture.md, "Where the garbage collector's time goes"); here every scope
 * shares one getter function.
 */
class ContextScope implements ServiceScope {
  declare readonly em: EntityManager;
  readonly actor: AuthUser | null;
  readonly deps: AppDeps;
  readonly #context: Context;

  constructor(context: Context) {
    this.#context = context;
    this.actor = context.user;
    this.deps = context.deps;
    Object.defineProperty(this, 'em', EM);
  }

  static em(this: ContextScope): EntityManager {
    return this.#context.em;
  }
}
const EM: PropertyDescriptor = { get: ContextScope.em, enumerable: true };
