import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { gqlError, sdk, waitFor } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';

// Sign-up as deployments run it by default (SIGNUP_VERIFICATION on), mail to the server's own SMTP.
const server = await startTestServer({ workers: false, config: { signupVerification: true } });
const anon = sdk(server.url);
const mailbox = server.deps.localSmtp!.received;

const mailTo = (address: string, subject: RegExp) =>
  waitFor(
    async () => mailbox.find((m) => m.envelopeTo.includes(address) && subject.test(m.parsed.subject ?? '')) ?? null,
    5_000,
    `mail to ${address}`,
  );
const codeIn = (text: string) => /Your sign-up code \(valid for 30 minutes, once\): (\S+)/.exec(text)?.[1];
const input = (email: string) => ({ email, password: 'long-enough-pw', name: 'Rae', organizationName: 'Rae Homes' });
const REGISTER = `mutation($input: RegisterInput!) {
  register(input: $input) { email verificationRequired session { accessToken } }
}`;
const registerRaw = (email: string) =>
  fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: REGISTER, variables: { input: input(email) } }),
  });

/** The whole sign-up: register, the code from the mailbox, completeRegistration. */
async function signUp(email: string) {
  await anon.Register({ input: input(email) });
  const code = codeIn((await mailTo(email, /Finish creating/)).parsed.text ?? '')!;
  return (await anon.CompleteRegistration({ token: code })).completeRegistration;
}

describe('register with email verification', () => {
  it('answers alike whether or not the address has an account; the mailbox decides', async () => {
    const existingEmail = `existing-${randomUUID()}@example.com`;
    const existing = await signUp(existingEmail);
    const fresh = `fresh-${randomUUID()}@example.com`;

    const a = await registerRaw(fresh);
    const b = await registerRaw(`  ${existingEmail.toUpperCase()} `);
    expect([a.status, b.status]).toEqual([200, 200]);
    const [bodyA, bodyB] = [await a.text(), await b.text()];
    // The same answer, byte for byte, but for the address itself.
    expect(bodyB.replace(existingEmail, 'ADDRESS')).toBe(bodyA.replace(fresh, 'ADDRESS'));
    expect(JSON.parse(bodyA)).toEqual({
      data: { register: { email: fresh, verificationRequired: true, session: null } },
    });

    const note = await mailTo(existingEmail, /already have/);
    expect(codeIn(note.parsed.text ?? '')).toBeUndefined();
    const welcome = await mailTo(fresh, /Finish creating/);
    const code = codeIn(welcome.parsed.text ?? '')!;
    expect(code).toBeTruthy();

    // Nothing exists before the code is used.
    expect((await gqlError(anon.Login({ input: { email: fresh, password: 'long-enough-pw' } }))).code).toBe(
      'UNAUTHENTICATED',
    );
    const { completeRegistration: session } = await anon.CompleteRegistration({ token: code });
    expect(session.user).toMatchObject({ email: fresh, role: 'OWNER', name: 'Rae' });
    const me = await sdk(server.url, session.accessToken).Me();
    expect(me.organization.name).toBe('Rae Homes');
    expect((await anon.Login({ input: { email: fresh, password: 'long-enough-pw' } })).login.user.id).toBe(
      session.user.id,
    );

    // Once only.
    expect(await gqlError(anon.CompleteRegistration({ token: code }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field: 'token' },
    });
    // The existing account is untouched: it still signs in with its own password.
    const again = await anon.Login({ input: { email: existingEmail, password: 'long-enough-pw' } });
    expect(again.login.user.id).toBe(existing.user.id);
  });

  it('keeps one live code per address, refuses an expired one, and still names malformed input', async () => {
    const email = `twice-${randomUUID()}@example.com`;
    await anon.Register({ input: input(email) });
    const first = codeIn((await mailTo(email, /Finish creating/)).parsed.text ?? '')!;
    mailbox.splice(0, mailbox.length);
    await anon.Register({ input: { ...input(email), organizationName: 'Second Try' } });
    const second = codeIn((await mailTo(email, /Finish creating/)).parsed.text ?? '')!;
    expect(second).not.toBe(first);
    expect((await gqlError(anon.CompleteRegistration({ token: first }))).code).toBe('BAD_USER_INPUT');

    const owner = new pg.Client({ connectionString: server.config.databaseOwnerUrl });
    await owner.connect();
    try {
      await owner.query(`update registrations set expires_at = now() - interval '1 second' where email = $1`, [email]);
    } finally {
      await owner.end();
    }
    expect(await gqlError(anon.CompleteRegistration({ token: second }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field: 'token' },
    });
    expect((await gqlError(anon.CompleteRegistration({ token: 'x'.repeat(500) }))).code).toBe('BAD_USER_INPUT');
    expect(await gqlError(anon.Register({ input: input('not-an-email') }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field: 'input.email' },
    });
  });

  it('keeps pending sign-ups out of the app role’s reach', async () => {
    const db = new pg.Client({ connectionString: server.config.databaseUrl });
    await db.connect();
    try {
      expect((await db.query('select count(*)::int as n from registrations')).rows[0].n).toBe(0);
    } finally {
      await db.end();
    }
  });
});
