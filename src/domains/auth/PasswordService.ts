import type { EntityManager } from '@mikro-orm/postgresql';
import { PasswordReset, RefreshToken, User } from '../../../entities/index.js';
import { hashPassword, verifyPassword } from '../../platform/auth/password.js';
import { hashToken, newOpaqueToken, type AuthUser } from '../../platform/auth/tokens.js';
import type { AppDeps } from '../../platform/deps.js';
import { ForbiddenError, UnauthenticatedError, ValidationError } from '../../platform/errors/index.js';
import { textToHtml } from '../../platform/mail/html.js';
import { forkAnonymous, withTenant } from '../../platform/tenancy/tenant-em.js';
import * as v from '../../platform/validate.js';
import { AuthService, type AuthResult, type ClientInfo } from './AuthService.js';

const RESET_TTL_MS = 30 * 60_000;
const BAD_RESET = 'This reset code is not valid or has expired; ask for a new one';

/**
 * Passwords: changed by their owner (every other session ends; the caller gets a new one), and
 * forgotten — a single-use code valid for 30 minutes, sent by email, that sets a new password and
 * ends every session. Asking for a code answers the same whether or not the address has an account.
 */
export class PasswordService {
  constructor(private readonly deps: AppDeps) {}

  async change(actor: AuthUser, current: string, next: string, client: ClientInfo = {}): Promise<AuthResult> {
    if (actor.apiKeyId) throw new ForbiddenError('API keys have no password; sign in as the person');
    v.password(next, 'newPassword');
    return withTenant(this.deps.orm, actor.organizationId, async (em) => {
      const user = await em.findOne(User, { id: actor.id }, { populate: ['passwordHash'] });
      if (!user || user.deactivatedAt) throw new UnauthenticatedError('This session has ended; sign in again');
      if (!(await verifyPassword(user.passwordHash, current)))
        throw new ValidationError('The current password is not right', 'currentPassword');
      if (current === next) throw new ValidationError('Choose a password other than the current one', 'newPassword');
      const passwordHash = await hashPassword(next);
      return em.transactional(async (tem) => {
        await endSessions(tem, user, passwordHash);
        return new AuthService(this.deps).startSession(tem, user, client);
      });
    });
  }

  /** Always true; a code goes out only to an active account with that address. */
  async requestReset(emailInput: string, ip: string): Promise<boolean> {
    const addr = v.normalizeEmail(emailInput);
    const rows = await forkAnonymous(this.deps.orm)
      .getConnection()
      .execute<{ user_id: string; organization_id: string }[]>('select * from auth_login_lookup(?)', [addr]);
    const found = rows[0];
    if (!found) return true;
    const { token, hash } = newOpaqueToken();
    const user = await withTenant(this.deps.orm, found.organization_id, async (em) => {
      const u = await em.findOne(User, { id: found.user_id });
      if (!u || u.deactivatedAt) return null;
      await em.transactional(async (tem) => {
        // One live code per account: asking again retires the earlier ones.
        await tem.nativeUpdate(PasswordReset, { userId: u.id, usedAt: null }, { usedAt: new Date() });
        tem.create(PasswordReset, {
          userId: u.id,
          tokenHash: hash,
          expiresAt: new Date(Date.now() + RESET_TTL_MS),
          requestedIp: ip.slice(0, 100),
        });
      });
      return u;
    });
    // Not awaited: the answer takes as long whether or not a message goes out.
    if (user)
      this.sendCode(user, token).catch((err: Error) =>
        this.deps.log.warn({ err: err.message, userId: user.id }, 'password reset email not sent'),
      );
    return true;
  }

  async reset(token: string, next: string): Promise<boolean> {
    v.password(next, 'newPassword');
    const hash = hashToken(token);
    const rows = await forkAnonymous(this.deps.orm)
      .getConnection()
      .execute<{ org: string | null }[]>('select auth_password_reset_org(?) as org', [hash]);
    const orgId = rows[0]?.org;
    if (!orgId) throw new ValidationError(BAD_RESET, 'token');
    const passwordHash = await hashPassword(next);
    await withTenant(this.deps.orm, orgId, (em) =>
      em.transactional(async (tem) => {
        const row = await tem.findOne(PasswordReset, { tokenHash: hash });
        const claimed =
          row &&
          (await tem.nativeUpdate(
            PasswordReset,
            { id: row.id, usedAt: null, expiresAt: { $gt: new Date() } },
            { usedAt: new Date() },
          ));
        const user = claimed === 1 ? await tem.findOne(User, { id: row!.userId }) : null;
        if (!user || user.deactivatedAt) throw new ValidationError(BAD_RESET, 'token');
        await endSessions(tem, user, passwordHash);
      }),
    );
    return true;
  }

  private async sendCode(user: User, token: string): Promise<void> {
    const text =
      `Someone asked to reset the password of ${user.email} on Real Estate OS.\n\n` +
      `Your reset code (valid for 30 minutes, once): ${token}\n\n` +
      'Use it with the resetPassword mutation (or the app’s reset page) to choose a new password. ' +
      'Every session of your account ends when you do.\n\n' +
      'If this was not you, ignore this email: your password stays as it is.';
    await this.deps.mailer.send({
      from: this.deps.config.mailFrom,
      to: user.email,
      subject: 'Reset your Real Estate OS password',
      text,
      html: textToHtml(text),
    });
  }
}

/** A new password: every access token (epoch), refresh token and outstanding reset code stops working. */
async function endSessions(em: EntityManager, user: User, passwordHash: string): Promise<void> {
  const now = new Date();
  user.authEpoch += 1;
  await em.nativeUpdate(User, { id: user.id }, { passwordHash, authEpoch: user.authEpoch });
  await em.nativeUpdate(RefreshToken, { userId: user.id, revokedAt: null }, { revokedAt: now });
  await em.nativeUpdate(PasswordReset, { userId: user.id, usedAt: null }, { usedAt: now });
}
