import { randomUUID } from 'node:crypto';

/** Unique per process; with a counter it makes each recorded call a distinct sorted-set member. */
const MEMBER = randomUUID().slice(0, 8);
let calls = 0;
import { getFieldIdentity, getGraphQLRateLimiter, type Store } from 'graphql-rate-limit';
import { defaultFieldResolver, type GraphQLObjectType, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import type { Redis } from '../redis.js';
import type { Context } from '../context.js';
import { AppError, ServiceUnavailableError } from '../errors/index.js';
import { REDIS_AWAY } from '../errors/format-error.js';
import { isConnectionError } from '../redis.js';
import { normalizeEmail } from '../validate.js';

export class RateLimitedError extends AppError {
  constructor(message: string, retryAfter: number) {
    super('RATE_LIMITED', message, { retryAfter });
  }
}

/** One limit: at most `max` calls per `window` ('30s', '1m', '1h') per identity. */
export interface RateRule {
  window: `${number}${'s' | 'm' | 'h'}`;
  max: number;
  /**
   * `user` (signed-in user, else client IP), `ip` (always the client IP) or `anyone` (one count for
   * every client: with identityArgs, a limit per account whatever the address it comes from).
   */
  by?: 'user' | 'ip' | 'anyone';
  /**
   * Argument paths that become part of the identity, e.g. ['input.email']. Their string values are
   * compared normalized (NFKC, trimmed, lower-cased), so re-spelling an email is the same identity.
   */
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
 * then writes it back, so two processes (or two concurrent calls) could both pass at N-1. Here one Lua
 * script, in Redis' single thread, prunes the window, counts, and records the call only if it is
 * allowed: exactly `max` calls pass per window and the log never holds more than `max` entries.
 * The decision reaches the library through the length of the returned log (empty when allowed,
 * `max` entries when not), so nothing proportional to the traffic is transferred per call.
 * `setForIdentity` has nothing left to do.
 */
class AtomicRedisStore implements Store {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly windowMs: number,
    private readonly max: number,
  ) {
    // EVALSHA with the script loaded once, instead of sending and compiling it on every call.
    if (!(redis as Partial<RecordCall>).reosRecordCall)
      redis.defineCommand('reosRecordCall', { numberOfKeys: 1, lua: RECORD_CALL });
  }

  key(identity: { contextIdentity: string; fieldIdentity: string }): string {
    return `${this.prefix}:rl:${this.windowMs}:${this.max}:${identity.contextIdentity}:${identity.fieldIdentity}`;
  }

  async getForIdentity(identity: { contextIdentity: string; fieldIdentity: string }): Promise<readonly number[]> {
    const now = Date.now();
    const allowed = await (this.redis as Redis & RecordCall).reosRecordCall(
      this.key(identity),
      now,
      this.windowMs,
      this.max,
      `${now}-${MEMBER}-${++calls}`,
    );
    return allowed === 1 ? [] : new Array<number>(this.max).fill(now);
  }

  setForIdentity(): void {
    // Recorded atomically in getForIdentity.
  }

  /** Seconds until the oldest allowed call leaves the window (and a slot frees up). */
  async retryAfter(identity: { contextIdentity: string; fieldIdentity: string }): Promise<number> {
    const now = Date.now();
    const [, score] = await this.redis.zrangebyscore(
      this.key(identity),
      now - this.windowMs,
      '+inf',
      'WITHSCORES',
      'LIMIT',
      0,
      1,
    );
    return score === undefined ? 1 : Math.max(1, Math.ceil((Number(score) + this.windowMs - now) / 1000));
  }
}

interface RecordCall {
  reosRecordCall(key: string, now: number, windowMs: number, max: number, member: string): Promise<number>;
}

/** Prune the window; record the call and return 1 if fewer than `max` calls remain in it, else 0. */
const RECORD_CALL = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`;

/**
 * Rate-limits the root Query and Mutation fields of a built schema: each one's rules (or the
 * defaults for its operation type) run before its resolver, and RATE_LIMITED carries `retryAfter`
 * seconds. Only root fields are wrapped; nested field resolvers are untouched (a type-graphql
 * global middleware would wrap every field resolver of every type).
 */
export function applyRateLimits(
  schema: GraphQLSchema,
  redis: Redis,
  prefix: string,
  defaults: { queriesPerMinute: number; mutationsPerMinute: number; authMultiplier: number },
): void {
  const limiters = new Map<string, { store: AtomicRedisStore; limit: ReturnType<typeof getGraphQLRateLimiter> }>();
  const limiterFor = (rule: RateRule) => {
    const windowMs = windowToMs(rule.window);
    const id = `${windowMs}:${rule.max}`;
    let l = limiters.get(id);
    if (!l) {
      const store = new AtomicRedisStore(redis, prefix, windowMs, rule.max);
      l = { store, limit: getGraphQLRateLimiter({ store, identifyContext: (who: string) => who }) };
      limiters.set(id, l);
    }
    return l;
  };
  const check = async (
    rules: RateRule[],
    args: Record<string, unknown>,
    context: Context,
    info: GraphQLResolveInfo,
    failOpen: boolean,
  ) => {
    try {
      await checkRules(rules, args, context, info);
    } catch (err) {
      if (err instanceof RateLimitedError || !isConnectionError(err as Error)) throw err;
      // Redis is away. Plain reads keep working without their limit; writes and the fields with
      // their own limits (sign-in, resets) must not run unlimited: they answer SERVICE_UNAVAILABLE.
      if (failOpen) return;
      throw new ServiceUnavailableError(REDIS_AWAY);
    }
  };
  const checkRules = async (
    rules: RateRule[],
    args: Record<string, unknown>,
    context: Context,
    info: GraphQLResolveInfo,
  ) => {
    for (const rule of rules) {
      const { store, limit } = limiterFor(rule);
      const who =
        rule.by === 'anyone'
          ? 'anyone'
          : rule.by === 'ip' || !context.user
            ? `ip:${context.ip}`
            : context.user.apiKeyId
              ? `key:${context.user.apiKeyId}`
              : `user:${context.user.id}`;
      const identity = normalizedIdentityArgs(args, rule.identityArgs ?? []);
      const message = await limit(
        { parent: undefined, args: identity, context: who, info },
        { max: rule.max, window: rule.window, identityArgs: rule.identityArgs ?? [] },
      );
      if (message) {
        const retryAfter = await store.retryAfter({
          contextIdentity: who,
          fieldIdentity: getFieldIdentity(info.fieldName, rule.identityArgs ?? [], identity),
        });
        throw new RateLimitedError(
          `Too many ${info.fieldName} requests: at most ${rule.max} per ${rule.window}. Retry in ${retryAfter} s.`,
          retryAfter,
        );
      }
    }
  };
  const roots: [GraphQLObjectType | null | undefined, RateRule[]][] = [
    [schema.getQueryType(), [{ window: '1m', max: defaults.queriesPerMinute }]],
    [schema.getMutationType(), [{ window: '1m', max: defaults.mutationsPerMinute }]],
  ];
  for (const [type, fallback] of roots) {
    if (!type) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve ?? defaultFieldResolver;
      const own = FIELD_RULES.get(field.name);
      // Per-IP rules guard the sign-in fields; development scales them so local scripts are not locked out.
      const rules =
        own?.map((r) => (r.by === 'ip' || r.by === 'anyone' ? { ...r, max: r.max * defaults.authMultiplier } : r)) ??
        fallback;
      const failOpen = !own && type === schema.getQueryType();
      field.resolve = async (source, args, context: Context, info) => {
        await check(rules, args, context, info, failOpen);
        return resolve(source, args, context, info);
      };
    }
  }
}

/** '30s' | '1m' | '1h' to milliseconds (the same forms graphql-rate-limit's own parser accepts). */
/** `args` with the string values at `paths` normalized (the rest untouched; the resolver still gets the originals). */
function normalizedIdentityArgs(args: Record<string, unknown>, paths: string[]): Record<string, unknown> {
  if (!paths.length) return args;
  const copy = structuredClone(args);
  for (const path of paths) {
    const keys = path.split('.');
    const holder = keys
      .slice(0, -1)
      .reduce<Record<string, unknown> | undefined>((o, k) => o?.[k] as Record<string, unknown> | undefined, copy);
    const last = keys.at(-1)!;
    if (holder && typeof holder[last] === 'string') holder[last] = normalizeEmail(holder[last]);
  }
  return copy;
}

function windowToMs(window: string): number {
  const m = /^(\d+)(s|m|h)$/.exec(window);
  if (!m) throw new Error(`rate limit window must look like 30s, 1m or 1h (got ${window})`);
  return Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000 }[m[2] as 's' | 'm' | 'h'];
}
