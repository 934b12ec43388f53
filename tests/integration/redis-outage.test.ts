import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureBuilt, NODE_FLAGS, startApiProcess } from '../helpers/process.js';
import { freePort, startOwnRedis } from '../helpers/redis-server.js';
import { testConfig } from '../helpers/env.js';
import { createTenant, waitFor } from '../helpers/gql.js';

const ROOT = new URL('../../', import.meta.url).pathname;

describe('Redis unreachable', () => {
  it('npm start stops at once with a message naming Redis and its address', async () => {
    ensureBuilt();
    const port = await freePort();
    const config = testConfig();
    const child = spawn(join(ROOT, 'node_modules/.bin/node'), [...NODE_FLAGS, join(ROOT, 'dist/src/main.js')], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DATABASE_URL: config.databaseUrl,
        DATABASE_OWNER_URL: config.databaseOwnerUrl,
        REDIS_URL: `redis://127.0.0.1:${port}`,
        PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(output).toContain(`Redis is not reachable at 127.0.0.1:${port} (connect ECONNREFUSED`);
    expect(output).not.toContain('is running');
  });

  it('at run time: logs the outage once, reports it in /readyz and /metrics, recovers without restart', async () => {
    const redis = await startOwnRedis();
    const api = await startApiProcess(testConfig({ redisUrl: redis.url }), []);
    const base = api.url.replace('/graphql', '');
    let log = '';
    api.child.stdout!.on('data', (d) => (log += d));
    api.child.stderr!.on('data', (d) => (log += d));
    try {
      await redis.stop();
      const down = await waitFor(
        async () => {
          const res = await fetch(`${base}/readyz`);
          return res.status === 503 ? ((await res.json()) as { down: string[] }) : null;
        },
        30_000,
        'readyz reports Redis down',
      );
      expect(down.down).toEqual(['redis']);
      expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/^redis_up 0$/m);
      // Log lines are written in batches (up to 200 ms late): the outage's line first, then count what follows.
      await waitFor(async () => log.includes('Redis is unreachable') || null, 5_000, 'outage logged');
      const before = log.split('\n').length;
      await new Promise((r) => setTimeout(r, 5_000)); // reconnect attempts keep going meanwhile
      const during = log
        .split('\n')
        .slice(before - 1)
        .filter((l) => l.trim());
      expect(during.filter((l) => !l.includes('"graphql operation"'))).toEqual([]);
      expect(log.match(/Redis is unreachable/g)).toHaveLength(1);
      expect(log).not.toMatch(/^Error: /m); // nothing printed raw
      expect((await fetch(`${base}/healthz`)).status).toBe(200);

      await redis.start();
      await waitFor(
        async () => ((await fetch(`${base}/readyz`)).status === 200 ? true : null),
        30_000,
        'readyz recovers',
      );
      await waitFor(async () => (log.includes('Redis connection restored') ? true : null), 30_000, 'restored logged');
      expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/^redis_up 1$/m);
    } finally {
      expect(await api.stop()).not.toBeNull();
      await redis.stop(); // afterAll hooks registered inside a running test are not kept
    }
  });

  it('fails what needs Redis within a second with SERVICE_UNAVAILABLE, answers the rest, and recovers', async () => {
    const redis = await startOwnRedis();
    const api = await startApiProcess(testConfig({ redisUrl: redis.url }), []);
    try {
      const t = await createTenant(api.url);
      const post = async (query: string, variables: object = {}, headers: Record<string, string> = {}) => {
        const started = Date.now();
        const res = await fetch(api.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${t.token}`, ...headers },
          body: JSON.stringify({ query, variables }),
        });
        const body = (await res.json()) as { data?: unknown; errors?: { extensions: { code: string } }[] };
        return { ms: Date.now() - started, status: res.status, body, code: body.errors?.[0]?.extensions.code };
      };
      const createLead = (n: number) =>
        post('mutation ($i: LeadInput!) { createLead(input: $i) { id } }', {
          i: { firstName: `R${n}`, lastName: 'X' },
        });
      expect((await createLead(0)).body.data).toBeTruthy();

      await redis.stop();
      await new Promise((r) => setTimeout(r, 300)); // the process notices the closed connection
      const read = await post('{ me { id } leads(first: 5) { totalCount } }');
      expect(read.body.errors).toBeUndefined(); // reads need no Redis
      expect(read.ms).toBeLessThan(1_000);
      const write = await createLead(1);
      expect([write.code, write.ms < 1_000]).toEqual(['SERVICE_UNAVAILABLE', true]);
      const login = await post('mutation ($i: LoginInput!) { login(input: $i) { accessToken } }', {
        i: { email: t.email, password: t.password },
      });
      expect([login.code, login.ms < 1_000]).toEqual(['SERVICE_UNAVAILABLE', true]); // its limit needs Redis
      const keyed = await post('{ me { id } }', {}, { 'idempotency-key': 'k-1' }); // a query: no key needed
      expect(keyed.body.errors).toBeUndefined();
      const idem = await post(
        'mutation ($i: LeadInput!) { createLead(input: $i) { id } }',
        { i: { firstName: 'Idem', lastName: 'X' } },
        { 'idempotency-key': 'k-2' },
      );
      expect([idem.status, idem.code, idem.ms < 1_000]).toEqual([503, 'SERVICE_UNAVAILABLE', true]);
      expect(JSON.stringify([write.body, login.body, idem.body])).not.toMatch(/ECONNREFUSED|ioredis|stack/i);

      await redis.start();
      const back = await waitFor(
        async () => ((await createLead(2)).body.data ? true : null),
        30_000,
        'mutations work again',
      );
      expect(back).toBe(true);
      const { body } = await post('{ leads(first: 10) { totalCount } }');
      expect(body.data).toEqual({ leads: { totalCount: 2 } }); // nothing refused was half-written
    } finally {
      expect(await api.stop()).not.toBeNull();
      await redis.stop();
    }
  });
});
