import { GraphQLClient } from 'graphql-request';
import { describe, expect, it } from 'vitest';
import { getSdk } from '../../client/index.js';
import { createTenant, gqlError, sdk, waitFor } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';
import { subscribe } from '../helpers/ws.js';

const server = await startTestServer({ workers: false });

/** The SDK as a given client (User-Agent), optionally signed in. */
const from = (userAgent: string, token?: string) =>
  getSdk(
    new GraphQLClient(server.url, {
      headers: { 'user-agent': userAgent, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    }),
  );

/** Resolves once `call` is refused with UNAUTHENTICATED (within 5 s), with the time it took. */
async function refusedWithin(call: () => Promise<unknown>): Promise<number> {
  const started = Date.now();
  await waitFor(
    () =>
      call().then(
        () => null,
        async (e: unknown) => ((await gqlError(Promise.reject(e))).code === 'UNAUTHENTICATED' ? true : null),
      ),
    5_000,
    'refused',
  );
  return Date.now() - started;
}

describe('sessions', () => {
  it('lists where you are signed in; revoking one ends its tokens on HTTP and WebSocket within seconds', async () => {
    const t = await createTenant(server.url);
    const laptop = (await from('Laptop/1.0').Login({ input: { email: t.email, password: t.password } })).login;
    const phone = (await from('Phone/2.0').Login({ input: { email: t.email, password: t.password } })).login;
    const asLaptop = from('Laptop/1.0', laptop.accessToken);
    const asPhone = from('Phone/2.0', phone.accessToken);

    const { sessions } = await asLaptop.Sessions();
    expect(sessions).toHaveLength(3); // register, laptop, phone
    expect(sessions.map((s) => s.userAgent)).toEqual(['Phone/2.0', 'Laptop/1.0', expect.any(String)]);
    expect(sessions.filter((s) => s.current).map((s) => s.userAgent)).toEqual(['Laptop/1.0']);
    expect(sessions[0]!.ip).toMatch(/127\.0\.0\.1/);
    const phoneSession = sessions[0]!;

    // A refresh renews the session, not a new one: still three, the phone's last use moves.
    const renewed = (await from('Phone/2.1').RefreshToken({ token: phone.refreshToken })).refreshToken;
    const after = (await asLaptop.Sessions()).sessions;
    expect(after.map((s) => s.id)).toEqual(sessions.map((s) => s.id));
    expect(after[0]!.userAgent).toBe('Phone/2.1');

    const socket = await subscribe(server.wsUrl, renewed.accessToken, 'subscription { pipelineEvents { type } }');
    let closedWith: number | null = null;
    socket.onClosed((code) => (closedWith = code));
    expect((await from('Phone/2.1', renewed.accessToken).Me()).me.id).toBe(t.userId);

    expect(await asLaptop.RevokeSession({ id: phoneSession.id })).toEqual({ revokeSession: true });
    const took = await refusedWithin(() => from('Phone/2.1', renewed.accessToken).Me());
    expect(took).toBeLessThan(5_000);
    await waitFor(async () => (closedWith === 4403 ? true : null), 5_000, 'socket closed with 4403');
    const refresh = await gqlError(sdk(server.url).RefreshToken({ token: renewed.refreshToken }));
    expect(refresh.code).toBe('UNAUTHENTICATED');
    expect((await asLaptop.Sessions()).sessions.map((s) => s.id)).not.toContain(phoneSession.id);
    expect((await asLaptop.Me()).me.id).toBe(t.userId); // the other sessions go on
    await refusedWithin(() => asPhone.Me()); // the phone's first access token was of the same session
  });

  it("signing out ends the access token too; others' ids and API keys are refused, changing nothing", async () => {
    const t = await createTenant(server.url);
    const other = await createTenant(server.url);
    const otherSession = (await other.api.Sessions()).sessions[0]!;
    expect((await gqlError(t.api.RevokeSession({ id: otherSession.id }))).code).toBe('NOT_FOUND');
    expect((await gqlError(t.api.RevokeSession({ id: 'not-a-session' }))).code).toBe('NOT_FOUND');
    expect((await other.api.Sessions()).sessions).toHaveLength(1); // untouched
    const { createApiKey } = await t.api.CreateApiKey({ input: { name: 'Script', role: 'AGENT' } });
    expect((await gqlError(sdk(server.url, createApiKey.key).Sessions())).code).toBe('FORBIDDEN');

    await t.api.Logout({ refreshToken: t.refreshToken });
    await refusedWithin(() => t.api.Me());
    expect((await gqlError(sdk(server.url).RefreshToken({ token: t.refreshToken }))).code).toBe('UNAUTHENTICATED');
  });
});
