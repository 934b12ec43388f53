import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { TokenSigner } from '../../src/platform/auth/tokens.js';
import { addMember, createTenant, gqlError, sdk } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';

const server = await startTestServer({ workers: false });
const anon = sdk(server.url);

describe('register and login', () => {
  it('register creates an organization whose first user is its OWNER (without email verification)', async () => {
    const email = `New.Owner-${randomUUID()}@Example.com`;
    const { register: r } = await anon.Register({
      input: { email, password: 'long-enough-pw', name: 'Nora', organizationName: 'Nora Buys Houses' },
    });
    expect(r).toMatchObject({ email: email.toLowerCase(), verificationRequired: false });
    const register = r.session!;
    expect(register.user.role).toBe('OWNER');
    expect(register.user.email).toBe(email.toLowerCase());
    const me = await sdk(server.url, register.accessToken).Me();
    expect(me.organization.name).toBe('Nora Buys Houses');
    expect(me.me.id).toBe(register.user.id);
  });

  it('rejects bad registration input with field-level BAD_USER_INPUT and creates nothing', async () => {
    const base = {
      email: `x-${randomUUID()}@example.com`,
      password: 'long-enough-pw',
      name: 'X',
      organizationName: 'X Org',
    };
    const badEmail = await gqlError(anon.Register({ input: { ...base, email: 'not-an-email' } }));
    expect(badEmail).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'input.email' } });
    const shortPw = await gqlError(anon.Register({ input: { ...base, password: 'short' } }));
    expect(shortPw).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'input.password' } });
    const noOrg = await gqlError(anon.Register({ input: { ...base, organizationName: '   ' } }));
    expect(noOrg.extensions.field).toBe('input.organizationName');
    // Nothing was stored: the same email can still register.
    await anon.Register({ input: base });
    const dup = await gqlError(anon.Register({ input: { ...base, email: base.email.toUpperCase() } }));
    expect(dup).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'input.email' } });
  });

  it('logs in with the right password; wrong password and unknown email fail identically', async () => {
    const t = await createTenant(server.url);
    const { login } = await anon.Login({ input: { email: t.email.toUpperCase(), password: t.password } });
    expect(login.user.id).toBe(t.userId);
    expect(login.user.lastLoginAt).toBeTruthy();

    const wrongPw = await gqlError(anon.Login({ input: { email: t.email, password: 'wrong-password' } }));
    const noUser = await gqlError(
      anon.Login({ input: { email: `nobody-${randomUUID()}@example.com`, password: 'wrong-password' } }),
    );
    expect(wrongPw.code).toBe('UNAUTHENTICATED');
    expect(noUser.code).toBe(wrongPw.code);
    expect(noUser.message).toBe(wrongPw.message);
    expect(noUser.extensions.field).toBeUndefined();
  });
});

describe('tokens', () => {
  it('refresh rotates: the new token works, the old one is refused, and reusing it revokes the session', async () => {
    const t = await createTenant(server.url);
    const { refreshToken: first } = await anon.RefreshToken({ token: t.refreshToken });
    expect(first.refreshToken).not.toBe(t.refreshToken);
    expect((await sdk(server.url, first.accessToken).Me()).me.id).toBe(t.userId);

    // Replaying the rotated token is refused and treated as theft: the newer token dies too.
    expect((await gqlError(anon.RefreshToken({ token: t.refreshToken }))).code).toBe('UNAUTHENTICATED');
    expect((await gqlError(anon.RefreshToken({ token: first.refreshToken }))).code).toBe('UNAUTHENTICATED');
  });

  it('logout revokes the refresh token', async () => {
    const t = await createTenant(server.url);
    expect((await t.api.Logout({ refreshToken: t.refreshToken })).logout).toBe(true);
    expect((await gqlError(anon.RefreshToken({ token: t.refreshToken }))).code).toBe('UNAUTHENTICATED');
  });

  it('refuses missing, forged and expired access tokens with UNAUTHENTICATED', async () => {
    const t = await createTenant(server.url);
    expect((await gqlError(anon.Me())).code).toBe('UNAUTHENTICATED');
    const forged = await new TokenSigner('another-secret-that-is-long-enough-000000', 600).signAccess({
      id: t.userId,
      organizationId: t.organizationId,
      role: 'OWNER' as never,
    });
    const e1 = await gqlError(sdk(server.url, forged.token).Me());
    expect(e1).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
    const expired = await new TokenSigner(server.config.jwtSecret, -60).signAccess({
      id: t.userId,
      organizationId: t.organizationId,
      role: 'OWNER' as never,
    });
    const e2 = await gqlError(sdk(server.url, expired.token).Me());
    expect(e2).toMatchObject({ code: 'UNAUTHENTICATED', message: 'Access token expired' });
    // Correctly signed with the server's key, but without an expiry: it would never end, so it is refused.
    const forever = await new SignJWT({ org: t.organizationId, role: 'OWNER' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(t.userId)
      .setIssuer('real-estate-os')
      .setAudience('real-estate-os-api')
      .setIssuedAt()
      .sign(new TextEncoder().encode(server.config.jwtSecret));
    expect(await gqlError(sdk(server.url, forever).Me())).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
  });
});

describe('invitations and roles', () => {
  it('an invited user joins the inviting organization with the given role, once', async () => {
    const owner = await createTenant(server.url);
    const email = `agent-${randomUUID()}@example.com`;
    const { inviteUser } = await owner.api.InviteUser({ input: { email, name: 'Al Agent', role: 'AGENT' } });
    expect(inviteUser.invitation).toMatchObject({
      email,
      role: 'AGENT',
      acceptedAt: null,
      invitedBy: { id: owner.userId },
    });
    const { acceptInvitation } = await anon.AcceptInvitation({
      input: { token: inviteUser.token, name: 'Al', password: 'agent-password' },
    });
    expect(acceptInvitation.user).toMatchObject({ email, role: 'AGENT' });
    const members = await owner.api.Users();
    expect(members.users.map((u) => u.email).sort()).toEqual([owner.email, email].sort());
    const again = await gqlError(
      anon.AcceptInvitation({ input: { token: inviteUser.token, name: 'Al', password: 'agent-password' } }),
    );
    expect(again.code).toBe('BAD_USER_INPUT');
    const bogus = await gqlError(
      anon.AcceptInvitation({ input: { token: 'nope', name: 'Al', password: 'agent-password' } }),
    );
    expect(bogus.code).toBe('BAD_USER_INPUT');
  });

  it('invites without revealing accounts elsewhere; pending invitations are listed and revocable', async () => {
    const owner = await createTenant(server.url);
    const elsewhere = await createTenant(server.url);
    const agent = await addMember(server.url, owner, 'AGENT');
    // An address with an account in another organization is invited like any other address.
    const { inviteUser: theirs } = await owner.api.InviteUser({
      input: { email: elsewhere.email, name: 'Busy', role: 'AGENT' },
    });
    const fresh = `new-${randomUUID()}@example.com`;
    const { inviteUser: mine } = await owner.api.InviteUser({ input: { email: fresh, name: 'New', role: 'VIEWER' } });
    expect(theirs.invitation).toMatchObject({ email: elsewhere.email, acceptedAt: null });
    // A member of this organization is refused, naming the field.
    const member = await gqlError(owner.api.InviteUser({ input: { email: agent.email, name: 'A', role: 'AGENT' } }));
    expect([member.code, member.extensions.field]).toEqual(['BAD_USER_INPUT', 'input.email']);
    // The invitee learns about their other account only when accepting, from their own inbox.
    const taken = await gqlError(
      anon.AcceptInvitation({ input: { token: theirs.token, name: 'Busy', password: 'agent-password' } }),
    );
    expect(taken.code).toBe('BAD_USER_INPUT');

    const pending = (await owner.api.Invitations()).invitations;
    expect(pending.map((i) => i.email)).toEqual([fresh, elsewhere.email]);
    expect((await gqlError(agent.api.Invitations())).code).toBe('FORBIDDEN');
    expect((await gqlError(elsewhere.api.RevokeInvitation({ id: mine.invitation.id }))).code).toBe('NOT_FOUND');
    expect((await owner.api.RevokeInvitation({ id: mine.invitation.id })).revokeInvitation.revokedAt).not.toBeNull();
    const revoked = await gqlError(
      anon.AcceptInvitation({ input: { token: mine.token, name: 'New', password: 'viewer-password' } }),
    );
    expect(revoked.code).toBe('BAD_USER_INPUT');
    expect((await owner.api.Invitations()).invitations.map((i) => i.email)).toEqual([elsewhere.email]);
    expect((await owner.api.Users()).users.map((u) => u.email)).not.toContain(fresh);
  });

  it('only OWNER/ADMIN manage users; VIEWER cannot mutate anything', async () => {
    const owner = await createTenant(server.url);
    const agent = await addMember(server.url, owner, 'AGENT');
    const viewer = await addMember(server.url, owner, 'VIEWER');
    const admin = await addMember(server.url, owner, 'ADMIN');

    const invite = { email: `x-${randomUUID()}@example.com`, name: 'X', role: 'AGENT' as const };
    expect((await gqlError(agent.api.InviteUser({ input: invite }))).code).toBe('FORBIDDEN');
    expect((await gqlError(viewer.api.InviteUser({ input: invite }))).code).toBe('FORBIDDEN');
    expect(
      (
        await gqlError(
          viewer.api.CreateProperty({ input: { addressLine: '1 A St', city: 'Austin', state: 'TX', zip: '78701' } }),
        )
      ).code,
    ).toBe('FORBIDDEN');
    expect((await gqlError(viewer.api.CreateLead({ input: { firstName: 'A', lastName: 'B' } }))).code).toBe(
      'FORBIDDEN',
    );
    // VIEWER reads fine.
    expect((await viewer.api.Properties({ first: 5 })).properties.totalCount).toBe(0);

    // ADMIN manages users but cannot touch OWNER; OWNER can.
    expect((await admin.api.UpdateUserRole({ userId: agent.userId, role: 'VIEWER' })).updateUserRole.role).toBe(
      'VIEWER',
    );
    expect((await gqlError(admin.api.UpdateUserRole({ userId: owner.userId, role: 'AGENT' }))).code).toBe('FORBIDDEN');
    expect((await gqlError(admin.api.InviteUser({ input: { ...invite, role: 'OWNER' } }))).code).toBe('FORBIDDEN');
    // The last OWNER cannot demote themselves.
    expect((await gqlError(owner.api.UpdateUserRole({ userId: owner.userId, role: 'ADMIN' }))).code).toBe(
      'BAD_USER_INPUT',
    );
  });
});
