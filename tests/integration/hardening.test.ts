import { describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { WebSocket } from 'ws';
import { createTenant } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';
import { closeCodeFor } from '../helpers/ws.js';

const server = await startTestServer({ workers: false, config: { wsMaxConnectionsPerUser: 3 } });
const prod = await startTestServer({ workers: false, config: { nodeEnv: 'production', introspection: false } });
const impatient = await startTestServer({
  workers: false,
  config: { httpHeadersTimeoutMs: 1_000, httpRequestTimeoutMs: 2_000 },
});
const withCors = await startTestServer({ workers: false, config: { corsOrigins: ['https://app.example.com'] } });

const send = (url: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(url, { method: 'POST', headers, body });

describe('HTTP hardening', () => {
  it('sends security headers on every response', async () => {
    for (const res of [
      await fetch(server.url.replace('/graphql', '/healthz')),
      await send(server.url, '{"query":"{ __typename }"}'),
      await send(prod.url, '{"query":"{ __typename }"}'),
    ]) {
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=31536000/);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
    expect((await send(prod.url, '{"query":"{ __typename }"}')).headers.get('content-security-policy')).toContain(
      "default-src 'none'",
    );
    // The landing page (development) links the bundled explorer and loads nothing from elsewhere.
    const landing = await fetch(server.url, { headers: { accept: 'text/html' } });
    expect(landing.headers.get('content-security-policy')).toBe(
      "default-src 'none';style-src 'unsafe-inline';frame-ancestors 'none'",
    );
    expect(await landing.text()).toContain('href="/graphiql"');
  });

  it('answers malformed, oversized, batched and cross-site requests with specific errors', async () => {
    const malformed = await send(server.url, '{"query": ');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
    const huge = await send(
      server.url,
      JSON.stringify({ query: '{ __typename }', variables: { x: 'y'.repeat(2 * 1024 * 1024) } }),
    );
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
    const batch = await send(server.url, JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]));
    expect(batch.status).toBe(400);
    const csrf = await send(server.url, '{"query":"{ __typename }"}', { 'content-type': 'text/plain' });
    expect(csrf.status).toBe(400);
    expect(await csrf.text()).toMatch(/CSRF|preflight/i);
    // The process is still healthy.
    expect((await fetch(server.url.replace('/graphql', '/healthz'))).status).toBe(200);
  });

  it('answers bad encodings and bodies on every route in the one JSON error shape, no HTML or stack', async () => {
    for (const s of [server, prod]) {
      const base = s.url.replace('/graphql', '');
      const requests: [string, RequestInit][] = [
        [`${base}/share/%E0%A4%A`, {}],
        [`${base}/u/%E0%A4%A`, {}],
        [`${base}/t/c/%E0%A4%A`, {}],
        [`${base}/t/o/%zz`, {}],
        [
          s.url,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
            body: 'not gzip at all',
          },
        ],
        [
          s.url,
          { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'br-x' }, body: '{}' },
        ],
      ];
      for (const [url, init] of requests) {
        const res = await fetch(url, init);
        expect(res.status, url).toBeGreaterThanOrEqual(400);
        expect(res.status, url).toBeLessThan(500);
        expect(res.headers.get('content-type'), url).toMatch(/application\/json/);
        const text = await res.text();
        expect(text).not.toMatch(/<html|<pre|at \w+ \(|node_modules/i);
        expect((JSON.parse(text) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toMatch(
          /^(BAD_REQUEST|UNSUPPORTED_MEDIA_TYPE)$/,
        );
      }
    }
  });

  it('cuts off a client that sends its headers or body too slowly (slowloris)', async () => {
    const { port } = new URL(impatient.url);
    const closedAfter = (chunks: string[]) =>
      new Promise<number>((resolve, reject) => {
        const started = Date.now();
        const socket = connect(Number(port), '127.0.0.1', () => socket.write(chunks[0]!));
        socket.on('data', () => undefined);
        socket.on('close', () => resolve(Date.now() - started));
        socket.on('error', () => undefined);
        setTimeout(() => reject(new Error('still open after 8 s')), 8_000);
      });
    // Headers that never finish, and a body that never comes (content-length promised).
    const headers = await closedAfter(['POST /graphql HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n']);
    const body = await closedAfter([
      'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
    ]);
    expect(headers).toBeLessThan(5_000);
    expect(body).toBeLessThan(6_000);
    expect((await fetch(impatient.url.replace('/graphql', '/healthz'))).status).toBe(200);
  });

  it('in production: no introspection, no landing page or explorer, no field suggestions', async () => {
    const intro = await send(prod.url, JSON.stringify({ query: '{ __schema { types { name } } }' }));
    expect(((await intro.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(
      'GRAPHQL_VALIDATION_FAILED',
    );
    const page = await fetch(prod.url, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toContain('graphiql');
    const explorer = await fetch(prod.url.replace('/graphql', '/graphiql'));
    expect(explorer.status).toBe(404);
    expect(await explorer.json()).toMatchObject({ errors: [{ extensions: { code: 'NOT_FOUND' } }] });
    const typo = (await (await send(prod.url, JSON.stringify({ query: '{ proprties { totalCount } }' }))).json()) as {
      errors: { message: string }[];
    };
    expect(typo.errors[0]!.message).toBe('Cannot query field "proprties" on type "Query".');
    const devTypo = (await (
      await send(server.url, JSON.stringify({ query: '{ proprties { totalCount } }' }))
    ).json()) as { errors: { message: string }[] };
    expect(devTypo.errors[0]!.message).toContain('Did you mean');
  });
});

describe('CORS', () => {
  const preflight = (url: string, origin: string) =>
    fetch(url, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });

  it('answers a preflight from a listed origin, and the request that follows, with the allow headers', async () => {
    const pre = await preflight(withCors.url, 'https://app.example.com');
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(pre.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
    const t = await createTenant(withCors.url);
    const res = await send(withCors.url, '{"query":"{ me { id } }"}', {
      'content-type': 'application/json',
      origin: 'https://app.example.com',
      authorization: `Bearer ${t.token}`,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(res.headers.get('access-control-expose-headers')).toMatch(/x-request-id/);
  });

  it('gives other origins (or all, without CORS_ORIGINS) no allow headers; CSRF prevention applies', async () => {
    const other = await preflight(withCors.url, 'https://evil.example.net');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(
      (await preflight(server.url, 'https://app.example.com')).headers.get('access-control-allow-origin'),
    ).toBeNull();
    const simple = await send(withCors.url, '{"query":"{ __typename }"}', {
      'content-type': 'text/plain',
      origin: 'https://app.example.com',
    });
    expect(simple.status).toBe(400);
  });
});

describe('WebSocket limits', () => {
  it('closes the socket past the per-user connection limit with 4429', async () => {
    const t = await createTenant(server.url);
    const open: WebSocket[] = [];
    for (let i = 0; i < 3; i++) {
      const s = new WebSocket(server.wsUrl, 'graphql-transport-ws');
      await new Promise<void>((resolve) => {
        s.on('open', () =>
          s.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${t.token}` } })),
        );
        s.on('message', () => resolve());
      });
      open.push(s);
    }
    expect(await closeCodeFor(server.wsUrl, t.token)).toBe(4429);
    open[0]!.close();
    await new Promise((r) => setTimeout(r, 100));
    expect(await closeCodeFor(server.wsUrl, t.token)).toBe(0); // a slot is free again
    for (const s of open) s.close();
  });

  it('closes the socket on a message over 1 MB (1009)', async () => {
    const t = await createTenant(server.url);
    const s = new WebSocket(server.wsUrl, 'graphql-transport-ws');
    const code = await new Promise<number>((resolve) => {
      s.on('open', () =>
        s.send(
          JSON.stringify({
            type: 'connection_init',
            payload: { authorization: `Bearer ${t.token}`, pad: 'x'.repeat(1_100_000) },
          }),
        ),
      );
      s.on('close', (c) => resolve(c));
    });
    expect(code).toBe(1009);
  });
});
