import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createTenant } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';

describe('health and readiness', () => {
  it('/healthz is 200 and /readyz is 200 when Postgres and Redis answer', async () => {
    const server = await startTestServer({ workers: false });
    const base = server.url.replace('/graphql', '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', down: [] });
  });

  it('/readyz is 503 naming Redis when Redis is unreachable, while /healthz stays 200', async () => {
    const server = await startTestServer({ workers: false, config: { redisUrl: 'redis://127.0.0.1:1' } });
    const base = server.url.replace('/graphql', '');
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      status: 'unavailable',
      down: ['redis'],
      checks: { postgres: true, redis: false },
    });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('every response carries a request id, and errors repeat it', async () => {
    const server = await startTestServer({ workers: false });
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-abc-123' },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(res.headers.get('x-request-id')).toBe('trace-abc-123');
    const body = (await res.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors[0]!.extensions).toMatchObject({ code: 'UNAUTHENTICATED', requestId: 'trace-abc-123' });
  });

  it(
    'never sends stack traces or SQL: a database failure in production mode is "Internal server error" with ' +
      'a request id',
    async () => {
      const good = await startTestServer({ workers: false });
      const t = await createTenant(good.url);
      // A second API whose database role has no rights on any table: every query fails inside Postgres.
      const role = `reos_norights_${randomUUID().slice(0, 8)}`;
      const admin = new pg.Client({ connectionString: good.config.databaseOwnerUrl });
      await admin.connect();
      await admin.query(`create role ${role} login`);
      try {
        const url = new URL(good.config.databaseUrl);
        url.username = role;
        const broken = await startTestServer({
          workers: false,
          config: { databaseUrl: url.toString(), nodeEnv: 'production', introspection: false },
        });
        const res = await fetch(broken.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${t.token}` },
          body: JSON.stringify({ query: '{ me { id } }' }),
        });
        const body = (await res.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
        expect(body.errors[0]).toMatchObject({
          message: 'Internal server error',
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        });
        expect(body.errors[0]!.extensions.requestId).toBeTruthy();
        expect(JSON.stringify(body)).not.toMatch(/permission|select|users|stack|\.ts:|\.js:/i);
        await broken.close();
      } finally {
        await admin.query(`drop role if exists ${role}`);
        await admin.end();
      }
    },
  );
});
