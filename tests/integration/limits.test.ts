import { getIntrospectionQuery } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createTenant } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';
import { wsClient } from '../helpers/ws.js';

const server = await startTestServer({ workers: false });

async function post(token: string, query: string, variables?: Record<string, unknown>) {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: res.status,
    body: (await res.json()) as { data?: unknown; errors?: { message: string; extensions: Record<string, unknown> }[] },
  };
}

/** Runs one operation over graphql-ws and resolves with its errors (or [] when it ran). */
async function overSocket(
  token: string,
  query: string,
): Promise<{ message: string; extensions?: Record<string, unknown> }[]> {
  const client = wsClient(server.wsUrl, token);
  try {
    return await new Promise((resolve) => {
      client.subscribe(
        { query },
        {
          next: (r) => resolve((r.errors as never) ?? []),
          error: (e) => resolve(e as never),
          complete: () => resolve([]),
        },
      );
    });
  } finally {
    await client.dispose();
  }
}

const deep = (n: number) =>
  `{ deals(first: 1) { edges { node { lead { ${'deals { lead { '.repeat(n)}id${' } }'.repeat(n)} } } } } }`;

describe('query limits, on HTTP and WebSocket alike', () => {
  it('rejects depth beyond the limit with QUERY_TOO_COMPLEX naming it', async () => {
    const t = await createTenant(server.url);
    const http = await post(t.token, deep(6));
    expect(http.status).toBe(400);
    expect(http.body.errors![0]!.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'depth', max: 10 });
    const ws = await overSocket(t.token, deep(6));
    expect(ws[0]!.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'depth' });
    expect((await post(t.token, deep(1))).status).toBe(200);
  });

  it('multiplies list sizes into a cost and rejects expensive queries', async () => {
    const t = await createTenant(server.url);
    const q =
      '{ properties(first: 100) { edges { node { leads { activities { id } deals { stageHistory { note } } } } } } }';
    const http = await post(t.token, q);
    expect(http.body.errors![0]!.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost' });
    expect(http.body.errors![0]!.message).toMatch(/cost \d+ exceeds the limit of 50000/);
    // The same shape with variables is measured with them.
    const viaVars = await post(
      t.token,
      'query($n: Int!) { properties(first: $n) { edges { node { leads { activities { id } deals { ' +
        'stageHistory { note } } } } } } }',
      { n: 100 },
    );
    expect(viaVars.body.errors![0]!.extensions!.limit).toBe('cost');
    const cheap = await post(
      t.token,
      'query($n: Int!) { properties(first: $n) { edges { node { id leads { id } } } } }',
      { n: 100 },
    );
    expect(cheap.body.errors).toBeUndefined();
    expect((await overSocket(t.token, q))[0]!.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost' });
  });

  it('limits aliases, directives and tokens', async () => {
    const t = await createTenant(server.url);
    const aliases = `{ ${Array.from({ length: 10_000 }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
    const a = await post(t.token, aliases);
    expect(a.status).toBe(400);
    expect(a.body.errors![0]!.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'tokens' });
    const fewAliases = `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
    expect((await post(t.token, fewAliases)).body.errors![0]!.extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'aliases',
    });
    const directives = `{ me { ${Array.from({ length: 21 }, () => 'id @include(if: true)').join(' ')} } }`;
    expect((await post(t.token, directives)).body.errors![0]!.extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'directives',
    });
    expect((await overSocket(t.token, aliases))[0]!.extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'tokens',
    });
    expect((await overSocket(t.token, fewAliases))[0]!.extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'aliases',
    });
  });

  it('counts aliases on leaf fields too', async () => {
    const t = await createTenant(server.url);
    const typenames = `{ ${Array.from({ length: 300 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    const scalars = `{ me { ${Array.from({ length: 31 }, (_, i) => `e${i}: email`).join(' ')} } }`;
    for (const q of [typenames, scalars]) {
      const res = await post(t.token, q);
      expect(res.status).toBe(400);
      expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'aliases', max: 30 });
      expect((await overSocket(t.token, q))[0]!.extensions).toMatchObject({
        code: 'QUERY_TOO_COMPLEX',
        limit: 'aliases',
      });
    }
    const thirty = `{ ${Array.from({ length: 30 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    expect((await post(t.token, thirty)).body.errors).toBeUndefined();
  });

  // Each fragment spreads the previous one twice: 2^levels selections from about 40 bytes a level.
  const bomb = (levels: number, leaf = 'a: __typename') => {
    let doc = `query Bomb { ...F${levels} }\nfragment F0 on Query { ${leaf} }\n`;
    for (let i = 1; i <= levels; i++) doc += `fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }\n`;
    return doc;
  };

  it('measures a fragment bomb in linear time, unauthenticated, on HTTP and WebSocket', async () => {
    // The old walker re-expanded every spread: 22 levels took 13.8 s, 30 levels about an hour.
    const send = async (levels: number) => {
      const started = performance.now();
      const res = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: bomb(levels) }),
      });
      const body = (await res.json()) as { errors: { extensions: Record<string, unknown> }[] };
      expect(body.errors[0]!.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'aliases' });
      return performance.now() - started;
    };
    for (const levels of [22, 30, 60]) {
      // The fastest of five answers, so a busy machine's pause does not count against the server.
      const fastest = Math.min(
        ...[await send(levels), await send(levels), await send(levels), await send(levels), await send(levels)],
      );
      expect(fastest).toBeLessThan(50);
    }
    // Production mode (no introspection, masked errors) refuses it the same way.
    const prod = await startTestServer({ workers: false, config: { nodeEnv: 'production', introspection: false } });
    const inProd = await fetch(prod.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: bomb(30) }),
    });
    expect(
      ((await inProd.json()) as { errors: { extensions: Record<string, unknown> }[] }).errors[0]!.extensions,
    ).toMatchObject({ code: 'QUERY_TOO_COMPLEX' });
    const t = await createTenant(server.url);
    const ws = await overSocket(t.token, bomb(30));
    expect(ws[0]!.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'aliases' });
    // Without aliases the expansion is refused by its cost (2^30 fields).
    const costly = await post(t.token, bomb(30, 'me { id }'));
    expect(costly.body.errors![0]!.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost' });
  });

  it('lets the standard introspection query through the shape limits', async () => {
    const query = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
      oneOf: true,
    });
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    const body = (await res.json()) as { data?: { __schema: { types: unknown[] } }; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    expect(body.data!.__schema.types.length).toBeGreaterThan(50);
    // Data fields beside it are still measured.
    const t = await createTenant(server.url);
    const mixed = await post(t.token, `{ __schema { queryType { name } } ${deep(6).slice(1, -1)} }`);
    expect(mixed.body.errors![0]!.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'depth' });
  });

  it('caps page sizes', async () => {
    const t = await createTenant(server.url);
    const res = await post(t.token, '{ leads(first: 101) { totalCount } }');
    expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});
