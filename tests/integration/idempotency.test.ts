import { randomUUID } from 'node:crypto';
import { print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { CreatePropertyDocument } from '../../client/index.js';
import { createTenant, uniqueAddress } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';

const server = await startTestServer({ workers: false });
const QUERY = print(CreatePropertyDocument);

async function create(token: string, key: string, input: Record<string, unknown>) {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': key },
    body: JSON.stringify({ query: QUERY, operationName: 'CreateProperty', variables: { input } }),
  });
  return { status: res.status, replayed: res.headers.get('idempotency-replayed'), text: await res.text() };
}

describe('Idempotency-Key', () => {
  it('runs a mutation once: the repeat gets the stored response byte for byte', async () => {
    const t = await createTenant(server.url);
    const key = randomUUID();
    const input = uniqueAddress();
    const first = await create(t.token, key, input);
    const second = await create(t.token, key, { ...input }); // same content, new object
    expect(first.status).toBe(200);
    expect(first.replayed).toBeNull();
    expect(second.replayed).toBe('true');
    expect(second.text).toBe(first.text);
    expect(JSON.parse(first.text).data.createProperty.id).toBeTruthy();
    expect((await t.api.Properties({})).properties.totalCount).toBe(1);
  });

  it('refuses the same key with a different payload (IDEMPOTENCY_KEY_REUSED) and changes nothing', async () => {
    const t = await createTenant(server.url);
    const key = randomUUID();
    await create(t.token, key, uniqueAddress());
    const reuse = await create(t.token, key, uniqueAddress());
    expect(reuse.status).toBe(422);
    expect(JSON.parse(reuse.text).errors[0].extensions.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await t.api.Properties({})).properties.totalCount).toBe(1);
  });

  it('executes once when the same key arrives concurrently', async () => {
    const t = await createTenant(server.url);
    const key = randomUUID();
    const input = uniqueAddress();
    const all = await Promise.all(Array.from({ length: 6 }, () => create(t.token, key, input)));
    expect(new Set(all.map((r) => r.text)).size).toBe(1);
    expect(all.every((r) => r.status === 200)).toBe(true);
    expect(all.filter((r) => r.replayed === 'true')).toHaveLength(5);
    expect((await t.api.Properties({})).properties.totalCount).toBe(1);
  });

  it('scopes keys per user', async () => {
    const a = await createTenant(server.url);
    const b = await createTenant(server.url);
    const key = randomUUID();
    const input = uniqueAddress();
    const ra = await create(a.token, key, input);
    const rb = await create(b.token, key, input);
    expect(rb.replayed).toBeNull();
    expect(JSON.parse(rb.text).data.createProperty.id).not.toBe(JSON.parse(ra.text).data.createProperty.id);
  });
});
