import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createTenant, sdk } from '../helpers/gql.js';
import { startApiProcess, type ApiProcess } from '../helpers/process.js';
import { startOwnRedis, type OwnRedis } from '../helpers/redis-server.js';
import { startTestServer } from '../helpers/server.js';

const LIMIT = 10;
const server = await startTestServer({
  workers: false,
  config: { rateLimits: { queriesPerMinute: LIMIT, mutationsPerMinute: 1000, authMultiplier: 1 } },
});
let other: ApiProcess | undefined;
afterAll(async () => {
  await other?.stop();
});

async function me(url: string, token: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ me { id } }' }),
  });
  const body = (await res.json()) as {
    data: unknown;
    errors?: { extensions: { code: string; retryAfter?: number } }[];
  };
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body };
}

describe('rate limits', () => {
  it('hold at exactly N across two API processes under a concurrent burst, with 429 and Retry-After', async () => {
    other = await startApiProcess(server.config, ['--no-worker'], { RATE_LIMIT_QUERIES_PER_MINUTE: String(LIMIT) });
    const t = await createTenant(server.url); // calls `me` once: LIMIT - 1 calls remain this minute
    const burst = await Promise.all(Array.from({ length: 40 }, (_, i) => me(i % 2 ? server.url : other!.url, t.token)));
    const ok = burst.filter((r) => r.status === 200);
    const limited = burst.filter((r) => r.status === 429);
    expect(ok).toHaveLength(LIMIT - 1);
    expect(limited).toHaveLength(40 - (LIMIT - 1));
    for (const r of limited) {
      expect(r.body.errors![0]!.extensions.code).toBe('RATE_LIMITED');
      const retryAfter = Number(r.retryAfter);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(r.body.errors![0]!.extensions.retryAfter).toBe(retryAfter);
    }
    // Both processes answered some of the burst; one shared count limited them.
    expect(
      burst.some((r, i) => i % 2 === 0 && r.status === 200) || burst.some((r, i) => i % 2 === 1 && r.status === 200),
    ).toBe(true);
    expect(burst.filter((_, i) => i % 2 === 0).some((r) => r.status === 429)).toBe(true);
    expect(burst.filter((_, i) => i % 2 === 1).some((r) => r.status === 429)).toBe(true);
    // Another user has their own allowance.
    const u = await createTenant(server.url);
    expect((await me(other.url, u.token)).status).toBe(200);
  });

  it('login is strict per IP and email: the 6th attempt in a minute is refused, another email is not', async () => {
    const email = `someone-${randomUUID()}@example.com`;
    const api = sdk(server.url);
    const attempts = [];
    for (let i = 0; i < 6; i++)
      attempts.push(await api.Login({ input: { email, password: 'wrong-password' } }).catch((e) => e));
    const codes = attempts.map((e) => e.response?.errors?.[0]?.extensions?.code);
    expect(codes.slice(0, 5)).toEqual(Array(5).fill('UNAUTHENTICATED'));
    expect(codes[5]).toBe('RATE_LIMITED');
    expect(attempts[5].response.status).toBe(429);
    const other = await api.Login({ input: { email: `x-${email}`, password: 'wrong-password' } }).catch((e) => e);
    expect(other.response.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it(
    'keys the login limit on the email as sign-in reads it: re-spelling it (case, spaces, KELVIN SIGN) is ' +
      'the same account',
    async () => {
      const id = randomUUID();
      const spellings = [
        `kim-${id}@example.com`,
        `KIM-${id}@EXAMPLE.COM`,
        `  kim-${id}@example.com `,
        `\u212Aim-${id}@example.com`,
      ];
      const api = sdk(server.url);
      const codes: string[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await api
          .Login({ input: { email: spellings[i % spellings.length]!, password: 'wrong-password' } })
          .catch((e) => e);
        codes.push(res.response?.errors?.[0]?.extensions?.code);
      }
      expect(codes).toEqual([...Array(5).fill('UNAUTHENTICATED'), 'RATE_LIMITED']);
    },
  );

  it('limits sign-in attempts per account across client addresses', async () => {
    const behindProxy = await startTestServer({
      workers: false,
      config: {
        trustProxy: 'loopback',
        rateLimits: { queriesPerMinute: 1000, mutationsPerMinute: 1000, authMultiplier: 1 },
      },
    });
    const email = `target-${randomUUID()}@example.com`;
    const attempt = async (n: number) => {
      const res = await fetch(behindProxy.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-forwarded-for': `203.0.113.${n + 1}`,
        },
        body: JSON.stringify({
          query: 'mutation($e: String!) { login(input: { email: $e, password: "wrong-password" }) { accessToken } }',
          variables: { e: email },
        }),
      });
      return ((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code;
    };
    const codes: string[] = [];
    for (let n = 0; n < 51; n++) codes.push(await attempt(n)); // every attempt from its own address
    expect(codes.slice(0, 50).every((c) => c === 'UNAUTHENTICATED')).toBe(true);
    expect(codes[50]).toBe('RATE_LIMITED');
  });
});

describe('rate limits with leases (plain reads, large limits)', () => {
  const READS = 1_000;
  let leased: Awaited<ReturnType<typeof startTestServer>>;
  let second: ApiProcess;
  let stats: Redis;
  let own: OwnRedis | undefined;
  afterAll(async () => {
    stats?.disconnect();
    await second?.stop();
    await leased?.close();
    await own?.stop(); // started inside the test, where startOwnRedis' own afterAll is not kept
  });

  it('hold at exactly N across two processes; a light reader costs a fraction of a check per request', async () => {
    // A Redis of its own, so every script call it counts is one of these two processes' rate-limit checks.
    own = await startOwnRedis();
    leased = await startTestServer({
      workers: false,
      config: {
        redisUrl: own.url,
        rateLimits: { queriesPerMinute: READS, mutationsPerMinute: 1000, authMultiplier: 1 },
      },
    });
    second = await startApiProcess(leased.config, ['--no-worker'], { RATE_LIMIT_QUERIES_PER_MINUTE: String(READS) });
    stats = new Redis(own.url);
    const checks = async () => Number(/cmdstat_evalsha:calls=(\d+)/.exec(await stats.info('commandstats'))?.[1] ?? 0);
    const t = await createTenant(leased.url); // one `me`
    const burst = async (n: number, offset: number) => {
      const codes: number[] = [];
      for (let i = 0; i < n; i += 50)
        codes.push(
          ...(await Promise.all(
            Array.from({ length: Math.min(50, n - i) }, (_, j) =>
              me((offset + i + j) % 2 ? leased.url : second.url, t.token).then((r) => r.status),
            ),
          )),
        );
      return codes;
    };
    const before = await checks();
    const light = await burst(200, 0);
    expect(light.every((s) => s === 200)).toBe(true);
    // Leases of up to 10 calls: about 20 checks for 200 requests, never one per request.
    const used = (await checks()) - before;
    expect(used).toBeLessThan(200 * 0.4);
    expect(used).toBeGreaterThan(0);
    // Past half the window every call is checked; the total stays exactly READS.
    const rest = await burst(READS, 1);
    const ok = rest.filter((s) => s === 200).length;
    expect(ok).toBe(READS - 1 - 200);
    expect(rest.filter((s) => s === 429)).toHaveLength(READS - ok);
  }, 120_000);
});
