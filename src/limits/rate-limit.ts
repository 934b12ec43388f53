import { randomUUID } from 'node:crypto';
import { getFieldIdentity, getGraphQLRateLimiter, type Store } from 'graphql-rate-limit';
import type { GraphQLResolveInfo } from 'graphql';
import type { Redis } from 'ioredis';
import type { MiddlewareFn } from 'type-graphql';
import type { Context } from '../context.js';
import { AppError } from '../errors/index.js';

export class RateLimitedError extends AppError {
  constructor(message: string, retryAfter: number) {
    super('RATE_LIMITED', message, { retryAfter });
  }
}

/** One limit: at most `max` calls per `window` ('30s', '1m', '1h') per identity. */
export interface RateRule {
  window: `${number}${'s' | 'm' | 'h'}`;
  max: number;
  /** `user` (signed-in user, else client IP) or `ip` (always the client IP). */
  by?: 'user' | 'ip';
  /** Argument paths that become part of the identity, e.g. ['input.email']. */
  identityArgs?: string[];
}

/** Root fields with their own limits, declared beside the resolver with @RateLimit. */
const FIELD_RULES = new Map<string, RateRule[]>();

/**
 * Declares the rate limits of a root Query/Mutation field (all must pass). Fields without a
 * declaration get the defaults for their operation type (see `rateLimitMiddleware`).
 */
export function RateLimit(...rules: RateRule[]): MethodDecorator {
  return (_target, propertyKey) => {
    FIELD_RULES.set(String(propertyKey), rules);
  };
}

/**
 * A graphql-rate-limit Store that is atomic across processes. The library reads the call log, decides,
 * then writes it back, so two processes (or two concurrent calls) could both pass at N-1. Here the
 * read records the call in the same Lua script, in Redis' single thread: each caller sees exactly
 * the calls before it, so exactly `max` calls pass per window. `setForIdentity` has nothing left to do.
 */
class AtomicRedisStore implements Store {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly windowMs: number,
    private readonly max: number,
  ) {}

  key(identity: { contextIdentity: string; fieldIdentity: string }): string {
    return `${this.prefix}:rl:${this.windowMs}:${this.max}:${identity.contextIdentity}:${identity.fieldIdentity}`;
  }

  async getForIdentity(identity: { contextIdentity: string; fieldIdentity: string }): Promise<readonly number[]> {
    const now = Date.now();
    const prior = (await this.redis.eval(RECORD_CALL, 1, this.key(identity), now, this.windowMs, this.max, `${now}-${randomUUID()}`)) as string[];
    return prior.map(Number);
  }

  setForIdentity(): void {
    // Recorded atomically in getForIdentity.
  }

  /** Seconds until fewer than `max` calls remain in the window. */
  async retryAfter(identity: { contextIdentity: string; fieldIdentity: string }): Promise<number> {
    const key = this.key(identity);
    const now = Date.now();
    const count = await this.redis.zcount(key, now - this.windowMs, '+inf');
    if (count < this.max) return 1;
    const [, score] = await this.redis.zrangebyscore(key, now - this.windowMs, '+inf', 'WITHSCORES', 'LIMIT', count - this.max, 1);
    return Math.max(1, Math.ceil((Number(score) + this.windowMs - now) / 1000));
  }
}

/** Prune the window, return the newest `max` earlier calls' times, record this call. */
const RECORD_CALL = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
local prior = redis.call('ZRANGE', KEYS[1], -tonumber(ARGV[3]), -1, 'WITHSCORES')
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
local times = {}
for i = 2, #prior, 2 do times[#times + 1] = prior[i] end
return times
`;

/**
 * type-graphql global middleware: applies each root field's rules (or the defaults for its
 * operation type) before the resolver runs, and throws RATE_LIMITED with `retryAfter` seconds.
 */
export function rateLimitMiddleware(
  redis: Redis,
  prefix: string,
  defaults: { queriesPerMinute: number; mutationsPerMinute: number },
): MiddlewareFn<Context> {
  const limiters = new Map<string, { store: AtomicRedisStore; limit: ReturnType<typeof getGraphQLRateLimiter> }>();
  const limiterFor = (rule: RateRule) => {
    const windowMs = windowToMs(rule.window);
    const id = `${windowMs}:${rule.max}`;
    let l = limiters.get(id);
    if (!l) {
      const store = new AtomicRedisStore(redis, prefix, windowMs, rule.max);
      l = { store, limit: getGraphQLRateLimiter({ store, identifyContext: (id: string) => id }) };
      limiters.set(id, l);
    }
    return l;
  };
  const defaultRules: Record<'Query' | 'Mutation', RateRule[]> = {
    Query: [{ window: '1m', max: defaults.queriesPerMinute }],
    Mutation: [{ window: '1m', max: defaults.mutationsPerMinute }],
  };

  return async ({ args, context, info }, next) => {
    const root = info.parentType.name;
    if (root !== 'Query' && root !== 'Mutation') return next();
    const rules = FIELD_RULES.get(info.fieldName) ?? defaultRules[root];
    for (const rule of rules) {
      const { store, limit } = limiterFor(rule);
      const who = rule.by === 'ip' || !context.user ? `ip:${context.ip}` : `user:${context.user.id}`;
      const message = await limit(
        { parent: undefined, args, context: who, info: info as GraphQLResolveInfo },
        { max: rule.max, window: rule.window, identityArgs: rule.identityArgs ?? [] },
      );
      if (message) {
        const fieldIdentity = getFieldIdentity(info.fieldName, rule.identityArgs ?? [], args);
        const retryAfter = await store.retryAfter({ contextIdentity: who, fieldIdentity });
        throw new RateLimitedError(`Too many ${info.fieldName} requests: at most ${rule.max} per ${rule.window}. Retry in ${retryAfter} s.`, retryAfter);
      }
    }
    return next();
  };
}

/** '30s' | '1m' | '1h' to milliseconds (the same forms graphql-rate-limit's own parser accepts). */
function windowToMs(window: string): number {
  const m = /^(\d+)(s|m|h)$/.exec(window);
  if (!m) throw new Error(`rate limit window must look like 30s, 1m or 1h (got ${window})`);
  return Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000 }[m[2] as 's' | 'm' | 'h'];
}
