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
 *
 * Leases (plain reads with a large limit): while less than half of a caller's window is used, one
 * round trip records up to LEASE_CALLS calls at once and this process lets them pass locally for
 * LEASE_MS, so a busy reader costs Redis a fraction of a round trip per request. Leased calls are
 * recorded at the end of their lease, the latest moment they can be used, so none leaves the window
 * before the call it stands for: still never more than `max` calls in any window. What a lease did
 * not use is given back with the process's next request for that caller. Past half the window,
 * every call is checked on its own, exactly as without leases.
 */
class AtomicRedisStore implements Store {
  private readonly leases = new Map<string, Lease>();
  private readonly pending = new Map<string, Promise<void>>();
  private readonly leaseCalls: number;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly windowMs: number,
    private readonly max: number,
    lease: boolean,
  ) {
    // EVALSHA with the script loaded once, instead of sending and compiling it on every call.
    if (!(redis as Partial<RecordCall>).reosRecordCalls)
      redis.defineCommand('reosRecordCalls', { numberOfKeys: 1, lua: RECORD_CALLS });
    this.leaseCalls = lease ? Math.max(1, Math.min(LEASE_CALLS, Math.floor(max / 100))) : 1;
  }

  key(identity: { contextIdentity: string; fieldIdentity: string }): string {
    return `${this.prefix}:rl:${this.windowMs}:${this.max}:${identity.contextIdentity}:${identity.fieldIdentity}`;
  }

  /**
   * Takes one call from this process's lease for the caller, if it holds one with calls left and
   * no lease request is under way: the call passes without Redis and without the library's
   * bookkeeping (the decision is the one `getForIdentity` would make). False otherwise.
   */
  takeLeased(identity: { contextIdentity: string; fieldIdentity: string }): boolean {
    if (this.leaseCalls === 1) return false;
    const key = this.key(identity);
    return !this.pending.has(key) && this.takeFrom(key);
  }

  private takeFrom(key: string): boolean {
    const held = this.leases.get(key);
    if (!held || held.left <= 0 || Date.now() >= held.until) return false;
    held.left--;
    return true;
  }

  async getForIdentity(identity: { contextIdentity: string; fieldIdentity: string }): Promise<readonly number[]> {
    const key = this.key(identity);
    if (this.leaseCalls === 1) return this.record(key, []);
    // One lease request per caller at a time: concurrent calls wait for it and share what it brings.
    for (let pending = this.pending.get(key); pending; pending = this.pending.get(key)) await pending;
    if (this.takeFrom(key)) return [];
    const held = this.leases.get(key);
    this.leases.delete(key);
    const returned = held && held.left > 0 ? held.members.slice(held.members.length - held.left) : [];
    const asked = this.record(key, returned);
    const settled = asked.then(
      () => undefined,
      () => undefined,
    );
    this.pending.set(key, settled);
    void settled.then(() => this.pending.get(key) === settled && this.pending.delete(key));
    return asked;
  }

  /** One round trip: gives back `returned`, records this call (and leases more when it may). */
  private async record(key: string, returned: string[]): Promise<readonly number[]> {
    const now = Date.now();
    const batch = `${now}-${MEMBER}-${++calls}`;
    const until = now + LEASE_MS;
    const granted = await (this.redis as Redis & RecordCall).reosRecordCalls(
      key,
      now,
      this.windowMs,
      this.max,
      this.leaseCalls,
      until,
      LEASE_MS,
      batch,
      ...returned,
    );
    if (granted === 0) return new Array<number>(this.max).fill(now);
    if (granted > 1) {
      const members = Array.from({ length: granted }, (_, i) => `${batch}-${i + 1}`);
      if (this.leases.size >= MAX_LEASES) this.leases.delete(this.leases.keys().next().value!);
      this.leases.set(key, { left: granted - 1, until, members });
    }
    return [];
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

/** Calls a process may lease at once, and for how long; leased callers tracked per process. */
const LEASE_CALLS = 16;
const LEASE_MS = 1_000;
const MAX_LEASES = 10_000;

interface Lease {
  left: number;
  until: number;
  /** The leased calls' members in the log, the unused ones last. */
  members: string[];
}

interface RecordCall {
  reosRecordCalls(
    key: string,
    now: number,
    windowMs: number,
    max: number,
    lease: number,
    until: number,
    leaseMs: number,
    batch: string,
    ...returned: string[]
  ): Promise<number>;
}

/**
 * Prune the window and take back the returned members (ARGV[8..]); then record calls and return how
 * many: 0 when the window is full, 1 (the call, at `now`) past half of it, else up to `lease` (at
 * `until`), taken from the first half only.
 */
const RECORD_CALLS = `
local now, window, max, lease = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
for i = 8, #ARGV do redis.call('ZREM', KEYS[1], ARGV[i]) end
local free = max - redis.call('ZCARD', KEYS[1])
if free <= 0 then return 0 end
local n = math.min(lease, free - math.floor(max / 2))
if n <= 1 then
  redis.call('ZADD', KEYS[1], now, ARGV[7])
else
  for i = 1, n do redis.call('ZADD', KEYS[1], ARGV[5], ARGV[7] .. '-' .. i) end
end
-- Long enough for leased members, recorded up to leaseMs ahead.
redis.call('PEXPIRE', KEYS[1], window + tonumber(ARGV[6]))
return math.max(n, 1)
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
  // Plain reads without limits of their own may lease calls (see AtomicRedisStore); the rest never do.
  const limiterFor = (rule: RateRule, lease: boolean) => {
    const windowMs = windowToMs(rule.window);
    const id = `${windowMs}:${rule.max}:${lease}`;
    let l = limiters.get(id);
    if (!l) {
      const store = new AtomicRedisStore(redis, prefix, windowMs, rule.max, lease);
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
      await checkRules(rules, args, context, info, failOpen);
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
    lease: boolean,
  ) => {
    for (const rule of rules) {
      const { store, limit } = limiterFor(rule, lease);
      const who =
        rule.by === 'anyone'
          ? 'anyone'
          : rule.by === 'ip' || !context.user
            ? `ip:${context.ip}`
            : context.user.apiKeyId
              ? `key:${context.user.apiKeyId}`
              : `user:${context.user.id}`;
      // A leased plain read passes here, without the library's per-call work (see takeLeased).
      if (
        lease &&
        !rule.identityArgs?.length &&
        store.takeLeased({ contextIdentity: who, fieldIdentity: info.fieldName })
      )
        continue;
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
