import { describe, expect, it } from 'vitest';
import { createTenant, gqlError, sdk, waitFor } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';
import { createClient } from 'graphql-ws';
import { WebSocket } from 'ws';
import { subscribe } from '../helpers/ws.js';

const server = await startTestServer({
  workers: false,
  config: {
    sessionCheckMs: 200,
    rateLimits: { queriesPerMinute: 40, mutationsPerMinute: 100, authMultiplier: 1 },
  },
});

const PIPELINE = 'subscription { pipelineEvents { type lead { id } } }';

/** Opens a socket with `token` in connection_init; resolves with the close code, or 'open'. */
function connect(token: string): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const client = createClient({
      url: server.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => undefined, // the refusal is what this waits for
      on: {
        connected: () => (resolve('open'), void client.dispose()),
        closed: (e) => resolve((e as { code: number }).code),
      },
    });
  });
}

describe('API keys', () => {
  it('act in their organization with their role, for their creator; shown once, listed by prefix', async () => {
    const t = await createTenant(server.url);
    const other = await createTenant(server.url);
    const { createApiKey: agentKey } = await t.api.CreateApiKey({ input: { name: 'Zapier', role: 'AGENT' } });
    expect(agentKey.key).toMatch(/^reos_live_[A-Za-z0-9_-]{32}$/);
    expect(agentKey.apiKey).toMatchObject({ name: 'Zapier', role: 'AGENT', prefix: agentKey.key.slice(0, 16) });
    const asAgent = sdk(server.url, agentKey.key);
    const { createLead } = await asAgent.CreateLead({ input: { firstName: 'Via', lastName: 'Key' } });
    expect((await t.api.Lead({ id: createLead.id })).lead.id).toBe(createLead.id);
    expect(
      (await gqlError(asAgent.CreateWebhookEndpoint({ input: { url: 'https://example.com', events: ['*'] } }))).code,
    ).toBe('FORBIDDEN');
    // Another organization's ids do not exist for this key.
    const { createLead: theirs } = await other.api.CreateLead({ input: { firstName: 'Their', lastName: 'Lead' } });
    expect((await gqlError(asAgent.Lead({ id: theirs.id }))).code).toBe('NOT_FOUND');
    expect((await gqlError(asAgent.UpdateLead({ id: theirs.id, input: { firstName: 'X' } }))).code).toBe('NOT_FOUND');

    const { createApiKey: viewerKey } = await t.api.CreateApiKey({ input: { name: 'BI', role: 'VIEWER' } });
    const asViewer = sdk(server.url, viewerKey.key);
    expect((await asViewer.Leads({ first: 5 })).leads.totalCount).toBe(1);
    expect((await gqlError(asViewer.CreateLead({ input: { firstName: 'No', lastName: 'Way' } }))).code).toBe(
      'FORBIDDEN',
    );

    const { createApiKey: adminKey } = await t.api.CreateApiKey({ input: { name: 'Ops', role: 'ADMIN' } });
    // A key cannot make or list keys, whatever its role.
    expect((await gqlError(sdk(server.url, adminKey.key).ApiKeys())).code).toBe('FORBIDDEN');
    const listed = (await t.api.ApiKeys()).apiKeys;
    expect(listed.map((k) => k.name)).toEqual(['Ops', 'BI', 'Zapier']);
    expect(JSON.stringify(listed)).not.toContain(agentKey.key);
    // Last use is written beside the request, not in it: wait for it rather than race it.
    await waitFor(
      async () => {
        const keys = (await t.api.ApiKeys()).apiKeys;
        return ['Zapier', 'Ops'].every((name) => keys.find((k) => k.name === name)!.lastUsedAt) ? true : null;
      },
      10_000,
      'lastUsedAt written for both keys',
    );
    expect((await other.api.ApiKeys()).apiKeys).toEqual([]);
    expect((await gqlError(other.api.RevokeApiKey({ id: agentKey.apiKey.id }))).code).toBe('NOT_FOUND');
  });

  it('revoked, expired, unknown keys: UNAUTHENTICATED alike on HTTP and WebSocket; open sockets closed', async () => {
    const t = await createTenant(server.url);
    const { createApiKey: k } = await t.api.CreateApiKey({ input: { name: 'Dialer', role: 'AGENT' } });
    expect(await connect(k.key)).toBe('open');
    const sub = await subscribe(server.wsUrl, k.key, PIPELINE);
    let closed = 0;
    sub.onClosed(() => (closed += 1));
    await t.api.RevokeApiKey({ id: k.apiKey.id });
    const revoked = await gqlError(sdk(server.url, k.key).Leads({ first: 1 }));
    expect([revoked.code, revoked.status]).toEqual(['UNAUTHENTICATED', 401]);
    expect(await connect(k.key)).toBe(4403);
    await waitFor(async () => (closed ? true : null), 5_000, 'the open socket closed');

    const { createApiKey: soon } = await t.api.CreateApiKey({
      input: { name: 'Short', role: 'VIEWER', expiresAt: new Date(Date.now() + 1_500).toISOString() },
    });
    expect((await sdk(server.url, soon.key).Leads({ first: 1 })).leads.totalCount).toBe(0);
    await new Promise((r) => setTimeout(r, 1_800));
    const expired = await gqlError(sdk(server.url, soon.key).Leads({ first: 1 }));
    const unknown = await gqlError(sdk(server.url, 'reos_live_' + 'A'.repeat(32)).Leads({ first: 1 }));
    expect([expired.code, expired.message]).toEqual([unknown.code, unknown.message]);
    expect(unknown.code).toBe('UNAUTHENTICATED');

    const bad = await gqlError(t.api.CreateApiKey({ input: { name: 'Owner key', role: 'OWNER' } }));
    expect([bad.code, bad.extensions.field]).toEqual(['BAD_USER_INPUT', 'input.role']);
    const past = await gqlError(
      t.api.CreateApiKey({
        input: { name: 'Old', role: 'AGENT', expiresAt: new Date(Date.now() - 1_000).toISOString() },
      }),
    );
    expect([past.code, past.extensions.field]).toEqual(['BAD_USER_INPUT', 'input.expiresAt']);
    expect((await t.api.ApiKeys()).apiKeys.map((k) => k.name)).toEqual(['Short', 'Dialer']);
  });

  it('is rate-limited per key, apart from its creator', async () => {
    const t = await createTenant(server.url);
    const { createApiKey: k } = await t.api.CreateApiKey({ input: { name: 'Busy', role: 'VIEWER' } });
    const asKey = sdk(server.url, k.key);
    let limited = null;
    for (let i = 0; i < 45 && !limited; i++)
      limited = await asKey.Leads({ first: 1 }).then(
        () => null,
        (e) => e,
      );
    expect(limited).not.toBeNull();
    expect((await gqlError(asKey.Leads({ first: 1 }))).code).toBe('RATE_LIMITED');
    expect((await t.api.Leads({ first: 1 })).leads.totalCount).toBe(0); // the creator's own budget is untouched
  });
});
