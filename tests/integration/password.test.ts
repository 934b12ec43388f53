import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { addMember, createTenant, gqlError, sdk, waitFor } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';

const server = await startTestServer({ workers: false, config: { sessionCheckMs: 200 } });
const mailsTo = (addr: string) => server.deps.localSmtp!.received.filter((m) => m.envelopeTo.includes(addr));
const codeIn = (text: string) => /reset code \(valid for 30 minutes, once\): (\S+)/.exec(text)![1]!;

describe('passwords', () => {
  it('a change ends every other session, keeps the caller signed in; a wrong current one changes nothing', async () => {
    const t = await createTenant(server.url);
    const other = await sdk(server.url).Login({ input: { email: t.email, password: t.password } });
    const wrong = await gqlError(
      t.api.ChangePassword({ currentPassword: 'not-it-at-all', newPassword: 'brand-new-pass-1' }),
    );
    expect([wrong.code, wrong.extensions.field]).toEqual(['BAD_USER_INPUT', 'currentPassword']);
    const weak = await gqlError(t.api.ChangePassword({ currentPassword: t.password, newPassword: 'short' }));
    expect([weak.code, weak.extensions.field]).toEqual(['BAD_USER_INPUT', 'newPassword']);
    expect((await sdk(server.url).Login({ input: { email: t.email, password: t.password } })).login.user.id).toBe(
      t.userId,
    );

    const { changePassword } = await t.api.ChangePassword({
      currentPassword: t.password,
      newPassword: 'brand-new-pass-1',
    });
    expect((await sdk(server.url, changePassword.accessToken).Me()).me.id).toBe(t.userId);
    // Old access tokens stop within SESSION_CHECK_MS, refresh tokens at once.
    await waitFor(
      async () => ((await gqlError(t.api.Me())).code === 'UNAUTHENTICATED' ? true : null),
      5_000,
      'old token',
    );
    for (const token of [t.refreshToken, other.login.refreshToken])
      expect((await gqlError(sdk(server.url).RefreshToken({ token }))).code).toBe('UNAUTHENTICATED');
    expect((await gqlError(sdk(server.url).Login({ input: { email: t.email, password: t.password } }))).code).toBe(
      'UNAUTHENTICATED',
    );
    expect(
      (await sdk(server.url).Login({ input: { email: t.email, password: 'brand-new-pass-1' } })).login.user.id,
    ).toBe(t.userId);
    const { createApiKey } = await sdk(server.url, changePassword.accessToken).CreateApiKey({
      input: { name: 'k', role: 'ADMIN' },
    });
    const byKey = await gqlError(
      sdk(server.url, createApiKey.key).ChangePassword({
        currentPassword: 'brand-new-pass-1',
        newPassword: 'x'.repeat(12),
      }),
    );
    expect(byKey.code).toBe('FORBIDDEN');
  });

  it('forgotten: a code by email (same answer for unknown addresses), used once, ending every session', async () => {
    const t = await createTenant(server.url);
    const member = await addMember(server.url, t, 'AGENT');
    const unknown = `nobody-${Date.now()}@example.com`;
    expect((await sdk(server.url).RequestPasswordReset({ email: unknown })).requestPasswordReset).toBe(true);
    // Spelled differently, the same account.
    const spelled = `  ${member.email.toUpperCase()} `;
    expect((await sdk(server.url).RequestPasswordReset({ email: spelled })).requestPasswordReset).toBe(true);
    const [mail] = await waitFor(
      async () => (mailsTo(member.email).length ? mailsTo(member.email) : null),
      5_000,
      'mail',
    );
    expect(mail!.parsed.subject).toBe('Reset your Real Estate OS password');
    const code = codeIn(mail!.parsed.text!);
    expect(mailsTo(unknown)).toHaveLength(0);

    const weak = await gqlError(sdk(server.url).ResetPassword({ token: code, newPassword: 'short' }));
    expect([weak.code, weak.extensions.field]).toEqual(['BAD_USER_INPUT', 'newPassword']);
    expect((await sdk(server.url).ResetPassword({ token: code, newPassword: 'reset-password-1' })).resetPassword).toBe(
      true,
    );
    const again = await gqlError(sdk(server.url).ResetPassword({ token: code, newPassword: 'reset-password-2' }));
    expect([again.code, again.extensions.field]).toEqual(['BAD_USER_INPUT', 'token']);
    await waitFor(
      async () => ((await gqlError(member.api.Me())).code === 'UNAUTHENTICATED' ? true : null),
      5_000,
      'old',
    );
    expect((await gqlError(sdk(server.url).RefreshToken({ token: member.refreshToken }))).code).toBe('UNAUTHENTICATED');
    expect(
      (await sdk(server.url).Login({ input: { email: member.email, password: 'reset-password-1' } })).login.user.id,
    ).toBe(member.userId);

    // An expired code, and a code asked for before a newer one, are refused alike.
    await sdk(server.url).RequestPasswordReset({ email: member.email });
    const first = codeIn(
      (await waitFor(async () => mailsTo(member.email)[1] ?? null, 5_000, 'second mail')).parsed.text!,
    );
    await sdk(server.url).RequestPasswordReset({ email: member.email });
    const second = codeIn(
      (await waitFor(async () => mailsTo(member.email)[2] ?? null, 5_000, 'third mail')).parsed.text!,
    );
    const retired = await gqlError(sdk(server.url).ResetPassword({ token: first, newPassword: 'reset-password-3' }));
    expect(retired.code).toBe('BAD_USER_INPUT');
    const db = new pg.Client({ connectionString: server.config.databaseOwnerUrl });
    await db.connect();
    await db.query(`update password_resets set expires_at = now() - interval '1 second' where user_id = $1`, [
      member.userId,
    ]);
    await db.end();
    const expired = await gqlError(sdk(server.url).ResetPassword({ token: second, newPassword: 'reset-password-3' }));
    expect([expired.code, expired.message]).toEqual([retired.code, retired.message]);
    expect(
      (await sdk(server.url).Login({ input: { email: member.email, password: 'reset-password-1' } })).login.user.id,
    ).toBe(member.userId);
  });
});
