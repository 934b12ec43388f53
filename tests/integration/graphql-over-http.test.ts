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
});
