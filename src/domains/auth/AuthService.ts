import { randomUUID } from 'node:crypto';
import { Invitation, Organization, RefreshToken, User } from '../../../entities/index.js';
import { Role } from '../../../entities/enums.js';
import { burnPasswordCheck, hashPassword, verifyPassword } from '../../platform/auth/password.js';
import { hashToken, newOpaqueToken, type AuthUser } from '../../platform/auth/tokens.js';
import { isUniqueViolation, UnauthenticatedError, ValidationError } from '../../platform/errors/index.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { forkAnonymous, withTenant } from '../../platform/tenancy/tenant-em.js';
import * as v from '../../platform/validate.js';
import type { AppDeps } from '../../platform/deps.js';

export interface AuthResult {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  user: User;
}

/** Where a sign-in comes from, recorded on its session (`sessions`). */
export interface ClientInfo {
  ip?: string;
  userAgent?: string;
}

const BAD_LOGIN = 'Invalid email or password';
const BAD_REFRESH = 'Invalid or expired refresh token';

/**
 * Sign-up, sign-in and token rotation. These run before an organization is known, so they find it
 * through the narrow SECURITY DEFINER lookups and then enter it through the platform's `withTenant`
 * (the one place a domain service switches tenant: the organization is what the lookup found).
 */
export class AuthService {
  constructor(private readonly deps: AppDeps) {}

  /**
   * Creates an organization and its OWNER (a sign-up, RegistrationService) and signs them in. An
   * address that has an account meanwhile is BAD_USER_INPUT naming `field`.
   */
  async createOrganization(
    signup: { email: string; name: string; organizationName: string; passwordHash: string },
    client: ClientInfo = {},
    field = 'input.email',
  ): Promise<AuthResult> {
    const taken = () => new ValidationError('An account with this email already exists; sign in instead', field);
    if (await this.emailTaken(signup.email)) throw taken();
    const org = new Organization();
    org.name = signup.organizationName;
    return withTenant(this.deps.orm, org.id, async (em) => {
      const user = em.create(User, {
        email: signup.email,
        name: signup.name,
        role: Role.OWNER,
        passwordHash: signup.passwordHash,
      });
      em.persist(org);
      try {
        await em.flush();
      } catch (err) {
        if (isUniqueViolation(err)) throw taken();
        throw err;
      }
      return this.issue(em, user, randomUUID(), client);
    });
  }

  async login(input: { email: string; password: string }, client: ClientInfo = {}): Promise<AuthResult> {
    const addr = v.normalizeEmail(input.email);
    const rows = await forkAnonymous(this.deps.orm)
      .getConnection()
      .execute<{ user_id: string; organization_id: string }[]>('select * from auth_login_lookup(?)', [addr]);
    const found = rows[0];
    if (!found) {
      await burnPasswordCheck(input.password);
      throw new UnauthenticatedError(BAD_LOGIN);
    }
    return withTenant(this.deps.orm, found.organization_id, async (em) => {
      const user = await em.findOne(User, { id: found.user_id }, { populate: ['passwordHash'] });
      if (!user || !(await verifyPassword(user.passwordHash, input.password)) || user.deactivatedAt)
        throw new UnauthenticatedError(BAD_LOGIN);
      user.lastLoginAt = new Date();
      return this.issue(em, user, randomUUID(), client);
    });
  }

  /** Rotates a refresh token. Presenting an already-rotated token revokes its whole family. */
  async refresh(token: string, client: ClientInfo = {}): Promise<AuthResult> {
    const hash = hashToken(token);
    const orgId = await this.lookupOrg('auth_refresh_token_org', hash);
    if (!orgId) throw new UnauthenticatedError(BAD_REFRESH);
    return withTenant(this.deps.orm, orgId, async (em) => {
      const row = await em.findOne(RefreshToken, { tokenHash: hash });
      if (!row) throw new UnauthenticatedError(BAD_REFRESH);
      if (row.revokedAt) {
        if (row.replacedById) await this.revokeFamily(em, row.familyId);
        throw new UnauthenticatedError(BAD_REFRESH);
      }
      if (row.expiresAt.getTime() <= Date.now()) throw new UnauthenticatedError(BAD_REFRESH);
      // Only one of two concurrent refreshes with the same token may win.
      const won = await em.nativeUpdate(RefreshToken, { id: row.id, revokedAt: null }, { revokedAt: new Date() });
      if (won !== 1) {
        await this.revokeFamily(em, row.familyId);
        throw new UnauthenticatedError(BAD_REFRESH);
      }
      const user = await em.findOne(User, { id: row.userId });
      if (!user || user.deactivatedAt) throw new UnauthenticatedError(BAD_REFRESH);
      const result = await this.issue(em, user, row.familyId, client);
      const next = await em.findOneOrFail(RefreshToken, { tokenHash: hashToken(result.refreshToken) });
      await em.nativeUpdate(RefreshToken, { id: row.id }, { replacedById: next.id });
      return result;
    });
  }

  /** Revokes the session (token family) the refresh token belongs to, if it is the caller's. */
  async logout(actor: AuthUser, token: string): Promise<boolean> {
    return withTenant(this.deps.orm, actor.organizationId, async (em) => {
      const row = await em.findOne(RefreshToken, { tokenHash: hashToken(token), userId: actor.id });
      if (row) await this.revokeFamily(em, row.familyId);
      return true;
    });
  }

  async acceptInvitation(
    input: { token: string; name: string; password: string },
    client: ClientInfo = {},
  ): Promise<AuthResult> {
    const name = v.requiredText(input.name, 'name');
    v.password(input.password, 'password');
    const hash = hashToken(input.token);
    const orgId = await this.lookupOrg('auth_invitation_org', hash);
    const invalid = new ValidationError('This invitation is not valid; ask for a new one', 'token');
    if (!orgId) throw invalid;
    return withTenant(this.deps.orm, orgId, async (em) => {
      const invitation = await em.findOne(Invitation, { tokenHash: hash });
      if (!invitation || invitation.acceptedAt || invitation.revokedAt) throw invalid;
      if (invitation.expiresAt.getTime() <= Date.now())
        throw new ValidationError('This invitation has expired; ask for a new one', 'token');
      if (await this.emailTaken(invitation.email)) {
        throw new ValidationError('An account with this email already exists', 'token');
      }
      const passwordHash = await hashPassword(input.password);
      return em.transactional(async (tem) => {
        const claimed = await tem.nativeUpdate(
          Invitation,
          { id: invitation.id, acceptedAt: null, revokedAt: null },
          { acceptedAt: new Date() },
        );
        if (claimed !== 1) throw invalid;
        const user = tem.create(User, {
          email: invitation.email,
          name,
          role: invitation.role,
          passwordHash,
        });
        return this.issue(tem, user, randomUUID(), client);
      });
    });
  }

  async emailTaken(emailAddr: string): Promise<boolean> {
    const rows = await forkAnonymous(this.deps.orm)
      .getConnection()
      .execute<{ taken: boolean }[]>('select auth_email_taken(?) as taken', [emailAddr]);
    return Boolean(rows[0]?.taken);
  }

  private async lookupOrg(fn: 'auth_refresh_token_org' | 'auth_invitation_org', hash: string): Promise<string | null> {
    const rows = await forkAnonymous(this.deps.orm)
      .getConnection()
      .execute<{ org: string | null }[]>(`select ${fn}(?) as org`, [hash]);
    return rows[0]?.org ?? null;
  }

  private async revokeFamily(em: EntityManager, familyId: string): Promise<void> {
    await em.nativeUpdate(RefreshToken, { familyId, revokedAt: null }, { revokedAt: new Date() });
  }

  /** A new session (token family) for a user whose password just changed. */
  startSession(em: EntityManager, user: User, client: ClientInfo = {}): Promise<AuthResult> {
    return this.issue(em, user, randomUUID(), client);
  }

  /** A new access token and the next refresh token of session `familyId`, recorded with its client. */
  private async issue(em: EntityManager, user: User, familyId: string, client: ClientInfo): Promise<AuthResult> {
    const { tokens, config } = this.deps;
    const access = await tokens.signAccess({
      id: user.id,
      organizationId: user.organizationId,
      role: user.role,
      epoch: user.authEpoch,
      sessionId: familyId,
    });
    const refresh = newOpaqueToken();
    const refreshTokenExpiresAt = new Date(Date.now() + config.refreshTokenTtlSeconds * 1000);
    em.create(RefreshToken, {
      userId: user.id,
      tokenHash: refresh.hash,
      familyId,
      expiresAt: refreshTokenExpiresAt,
      ip: client.ip?.slice(0, 100) ?? null,
      userAgent: client.userAgent?.slice(0, 300) ?? null,
    });
    await em.flush();
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken: refresh.token,
      refreshTokenExpiresAt,
      user,
    };
  }
}
