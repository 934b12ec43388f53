import { print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createApi, MeDocument, PipelineEventsDocument, sha256 } from '../../client/index.js';
import { createTenant } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';
import { subscribe, wsClient } from '../helpers/ws.js';

const server = await startTestServer({ workers: false });

async function post(url: string, token: string, body: unknown) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as {
      data?: Record<string, unknown>;
      errors?: { message: string; extensions: { code: string } }[];
    },
  };
}

describe('automatic persisted queries', () => {
  it('round trip: unknown hash, register with the document, then hash-only works on every process', async () => {
    const t = await createTenant(server.url);
    const query = `query AdHoc${Date.now()} { me { id email } }`;
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
    const miss = await post(server.url, t.token, { extensions });
    expect(miss.body.errors![0]!.extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const register = await post(server.url, t.token, { query, extensions });
    expect(register.body.data).toEqual({ me: { id: t.userId, email: t.email } });
    expect((await post(server.url, t.token, { extensions })).body.data).toEqual(register.body.data);
    // A second API process sharing the Redis namespace knows the hash too.
    const second = await startTestServer({ workers: false, config: { redisPrefix: server.config.redisPrefix } });
    expect((await post(second.url, t.token, { extensions })).body.data).toEqual(register.body.data);
    const mismatch = await post(server.url, t.token, { query: '{ me { id } }', extensions });
    expect(mismatch.status).toBe(400);
  });

  it('runs a text query by its hash without registering it, whoever sends it at the same time', async () => {
    const t = await createTenant(server.url);
    const query = `query Text${Date.now()}($n: Int) { me { id email } properties(first: $n) { totalCount } }`;
    const want = { me: { id: t.userId, email: t.email }, properties: { totalCount: 0 } };
    // The same text many times at once, beside other texts: every answer is its own.
    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        i % 3
          ? post(server.url, t.token, { query, variables: { n: i } })
          : post(server.url, t.token, { query: `{ me { id } }` }),
      ),
    );
    answers.forEach((a, i) => expect(a.body.data).toEqual(i % 3 ? want : { me: { id: t.userId } }));
    // Nothing was registered: the hash alone is still unknown here and to Redis.
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
    const miss = await post(server.url, t.token, { extensions });
    expect(miss.body.errors![0]!.extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    // What Apollo says about a text it cannot run is unchanged.
    const bad = await post(server.url, t.token, { query: '{ me { id ' });
    expect([bad.status, bad.body.errors![0]!.extensions.code]).toEqual([400, 'GRAPHQL_PARSE_FAILED']);
    const empty = await post(server.url, t.token, { query: '' });
    expect([empty.status, empty.body.errors![0]!.extensions.code]).toEqual([400, 'BAD_REQUEST']);
  });

  it('answers hashed GET queries with cache headers; a GET without a preflight header is refused', async () => {
    const t = await createTenant(server.url);
    const query = print(MeDocument);
    const url = new URL(server.url);
    url.searchParams.set('extensions', JSON.stringify({ persistedQuery: { version: 1, sha256Hash: sha256(query) } }));
    url.searchParams.set('operationName', 'Me');
    const res = await fetch(url, {
      headers: { authorization: `Bearer ${t.token}`, 'apollo-require-preflight': 'true' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, max-age=5');
    expect(res.headers.get('vary')).toContain('Authorization');
    expect(((await res.json()) as { data: { me: { id: string } } }).data.me.id).toBe(t.userId);
    const simple = await fetch(url, { headers: { authorization: `Bearer ${t.token}` } });
    expect(simple.status).toBe(400);
    // The SDK in persisted GET mode does all of this itself.
    const api = createApi(server.url, { token: t.token, persisted: true, get: true });
    expect((await api.Me()).me.id).toBe(t.userId);
  });
});

describe('trusted documents (PERSISTED_OPERATIONS=only)', () => {
  it('runs manifest operations by hash and refuses anything else on HTTP and WebSocket', async () => {
    const only = await startTestServer({ workers: false, config: { persistedOperations: 'only' } });
    const t = await createTenant(server.url);
    const api = createApi(only.url, { token: t.token, persisted: true });
    expect((await api.Me()).me.id).toBe(t.userId);
    expect((await api.Properties({ first: 5 })).properties.totalCount).toBe(0);

    const adHoc = await post(only.url, t.token, { query: '{ me { id } }' });
    expect(adHoc.status).toBe(400);
    expect(adHoc.body.errors![0]!.extensions.code).toBe('PERSISTED_QUERY_REQUIRED');
    // Registering a new hash is refused too.
    const reg = await post(only.url, t.token, {
      query: '{ me { email } }',
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ me { email } }') } },
    });
    expect(reg.body.errors![0]!.extensions.code).toBe('PERSISTED_QUERY_REQUIRED');

    const client = wsClient(only.wsUrl, t.token);
    const wsErrors = await new Promise<{ extensions?: { code?: string } }[]>((resolve) => {
      client.subscribe(
        { query: 'subscription { pipelineEvents { type } }' },
        { next: () => resolve([]), error: (e) => resolve(e as never), complete: () => resolve([]) },
      );
    });
    await client.dispose();
    expect(wsErrors[0]!.extensions!.code).toBe('PERSISTED_QUERY_REQUIRED');

    // The manifest's subscription, sent by hash only, runs.
    const sub = await subscribe<{ pipelineEvents: { type: string } }>(only.wsUrl, t.token, '', {
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256(print(PipelineEventsDocument)) } },
    });
    await api.CreateLead({ input: { firstName: 'Trusted', lastName: 'Doc' } });
    expect((await sub.next()).pipelineEvents.type).toBe('LEAD_CREATED');
    await sub.close();
  });

  it('lets the explorer introspect in development while refusing other ad-hoc queries', async () => {
    const dev = await startTestServer({
      workers: false,
      config: { persistedOperations: 'only', nodeEnv: 'development', introspection: true },
    });
    const t = await createTenant(server.url);
    const intro = await post(dev.url, t.token, {
      query: 'query IntrospectionQuery { __schema { queryType { name } } }',
    });
    expect(intro.body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    expect((await post(dev.url, t.token, { query: '{ me { id } }' })).body.errors![0]!.extensions.code).toBe(
      'PERSISTED_QUERY_REQUIRED',
    );
  });
});
