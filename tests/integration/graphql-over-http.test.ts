import { auditServer } from 'graphql-http';
import { describe, expect, it } from 'vitest';
import { createTenant } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';

const server = await startTestServer({ workers: false });
const interpreted = await startTestServer({ workers: false, config: { graphqlJit: false } });

describe('GraphQL over HTTP', () => {
  it('passes the graphql-http server audit with no warnings or errors', async () => {
    const results = await auditServer({ url: server.url });
    const failing = results
      .filter((r) => r.status !== 'ok' && r.status !== 'notice')
      .map((r) => `${r.id} ${r.name}: ${r.status}`);
    expect(failing).toEqual([]);
    expect(results.filter((r) => r.status === 'ok').length).toBeGreaterThanOrEqual(55);
  });

  it(
    'answers 200 to application/json clients for parse, validation and variable errors, 400 to ' +
      'graphql-response+json',
    async () => {
      const send = (accept: string, body: unknown) =>
        fetch(server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept },
          body: JSON.stringify(body),
        });
      const cases = [
        { query: '{' },
        { query: '{ nope }' },
        { query: 'query($n: Int!) { __typename }', variables: { n: 'x' } },
      ];
      for (const body of cases) {
        const legacy = await send('application/json', body);
        expect(legacy.status).toBe(200);
        expect(((await legacy.json()) as { errors: unknown[] }).errors.length).toBeGreaterThan(0);
        expect((await send('application/graphql-response+json', body)).status).toBe(400);
      }
    },
  );

  it('answers with the media type the Accept header prefers', async () => {
    const typeFor = async (accept?: string) => {
      const res = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(accept === undefined ? {} : { accept }) },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
      return res.headers.get('content-type');
    };
    for (const accept of [undefined, '*/*', 'application/json', 'application/json, */*', 'text/plain, */*;q=0.1'])
      expect(await typeFor(accept), accept).toBe('application/json; charset=utf-8');
    for (const accept of ['application/graphql-response+json', 'application/graphql-response+json, */*;q=0.5'])
      expect(await typeFor(accept), accept).toBe('application/graphql-response+json; charset=utf-8');
  });

  it('refuses a subscription over HTTP (BAD_REQUEST naming the WebSocket endpoint), jit on or off', async () => {
    for (const s of [server, interpreted]) {
      const t = await createTenant(s.url);
      const res = await fetch(s.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${t.token}` },
        body: JSON.stringify({ query: 'subscription { pipelineEvents { type } }' }),
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
      expect(body.errors[0]!.extensions.code).toBe('BAD_REQUEST');
      expect(body.errors[0]!.message).toMatch(/WebSocket at \/graphql/);
    }
  });

  it('answers /graphql as Express mounted it (any case, a slash or query after it) and nothing else', async () => {
    const origin = new URL(server.url).origin;
    const post = (path: string, init: RequestInit = {}) =>
      fetch(`${origin}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
        ...init,
      });
    for (const path of ['/graphql', '/GraphQL', '/graphql/', '/graphql?x=1', '/graphql/anything']) {
      const res = await post(path);
      expect(res.status, path).toBe(200);
      const text = await res.text();
      expect(JSON.parse(text), path).toEqual({ data: { __typename: 'Query' } });
      // Framed as Express' res.send framed it: a length, a charset, the security headers, a request id.
      expect(res.headers.get('content-length'), path).toBe(String(Buffer.byteLength(text)));
      expect(res.headers.get('content-type'), path).toMatch(/^application\/(graphql-response\+)?json; charset=utf-8$/);
      expect(res.headers.get('content-security-policy'), path).toContain("default-src 'none'");
      expect(res.headers.get('x-request-id'), path).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers.get('x-powered-by'), path).toBeNull();
    }
    for (const path of ['/graphqlx', '/graph', '/graphql.json']) {
      const res = await post(path);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(
        'NOT_FOUND',
      );
    }
    // Errors of the steps before Apollo keep their one JSON shape.
    const broken = await post('/graphql', { body: '{"query": ' });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
    const large = await post('/graphql', { body: JSON.stringify({ query: `{ __typename }${' '.repeat(1_100_000)}` }) });
    expect(large.status).toBe(413);
    expect(await large.json()).toMatchObject({ errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
    // HEAD: Apollo's answer (CSRF prevention refuses it), without a body.
    const head = await fetch(server.url, { method: 'HEAD' });
    expect(head.status).toBe(400);
    expect(await head.text()).toBe('');
  });
});
