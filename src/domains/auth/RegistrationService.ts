import { hashPassword } from '../../platform/auth/password.js';
import { hashToken, newOpaqueToken } from '../../platform/auth/tokens.js';
import type { AppDeps } from '../../platform/deps.js';
import { ValidationError } from '../../platform/errors/index.js';
import { textToHtml } from '../../platform/mail/html.js';
import { forkAnonymous } from '../../platform/tenancy/tenant-em.js';
import * as v from '../../platform/validate.js';
import { AuthService, type AuthResult, type ClientInfo } from './AuthService.js';

const CODE_TTL_S = 30 * 60;
const BAD_CODE = 'This sign-up code is not valid or has expired; register again for a new one';

export interface RegisterResult {
  email: string;
  /** True when the sign-up finishes with the code sent by email (then `session` is null). */
  verificationRequired: boolean;
  session: AuthResult | null;
}

/**
 * Sign-up. With SIGNUP_VERIFICATION on (the default), `register` answers the same whether or not
 * the address already has an account — same shape, same work (the password is hashed and one
 * database call made either way; the email goes out after the answer) — and the mailbox decides:
 * a new address gets a single-use 30-minute code that `completeRegistration` trades for the new
 * organization and a session; an address with an account gets a note saying so. With it off, the
 * organization is created at once and a taken address is refused (for closed deployments).
 */
export class RegistrationService {
  constructor(private readonly deps: AppDeps) {}

  async register(
    input: { email: string; password: string; name: string; organizationName: string },
    client: ClientInfo = {},
  ): Promise<RegisterResult> {
    const email = v.email(input.email, 'input.email');
    v.password(input.password, 'input.password');
    const name = v.requiredText(input.name, 'input.name');
    const organizationName = v.requiredText(input.organizationName, 'input.organizationName');
    const passwordHash = await hashPassword(input.password);
    const signup = { email, name, organizationName, passwordHash };
    if (!this.deps.config.signupVerification) {
      const session = await new AuthService(this.deps).createOrganization(signup, client);
      return { email, verificationRequired: false, session };
    }
    const { token, hash } = newOpaqueToken();
    const rows = await forkAnonymous(this.deps.orm)
      .getConnection()
      .execute<{ taken: boolean }[]>('select auth_registration_begin(?, ?, ?, ?, ?, ?, ?) as taken', [
        email,
        name,
        organizationName,
        passwordHash,
        hash,
        CODE_TTL_S,
        (client.ip ?? '').slice(0, 100),
      ]);
    const taken = Boolean(rows[0]?.taken);
    // Not awaited: the answer takes as long whichever message goes out.
    (taken ? this.sendAlreadyRegistered(email) : this.sendCode(email, organizationName, token)).catch((err: Error) =>
      this.deps.log.warn({ err: err.message }, 'sign-up email not sent'),
    );
    return { email, verificationRequired: true, session: null };
  }

  /** Trades a sign-up code (once, within 30 minutes) for the new organization, its OWNER signed in. */
  async complete(token: string, client: ClientInfo = {}): Promise<AuthResult> {
    if (typeof token !== 'string' || token.length > 200) throw new ValidationError(BAD_CODE, 'token');
    const rows = await forkAnonymous(this.deps.orm)
      .getConnection()
      .execute<{ email: string; name: string; organization_name: string; password_hash: string }[]>(
        'select * from auth_registration_claim(?)',
        [hashToken(token)],
      );
    const r = rows[0];
    if (!r) throw new ValidationError(BAD_CODE, 'token');
    return new AuthService(this.deps).createOrganization(
      { email: r.email, name: r.name, organizationName: r.organization_name, passwordHash: r.password_hash },
      client,
      'token',
    );
  }

  private async sendCode(email: string, organizationName: string, token: string): Promise<void> {
    const text =
      `Someone (we hope you) asked to create "${organizationName}" on Real Estate OS with ${email}.\n\n` +
      `Your sign-up code (valid for 30 minutes, once): ${token}\n\n` +
      'Use it with the completeRegistration mutation to finish: you are then signed in as the owner.\n\n' +
      'If this was not you, ignore this email: nothing is created without the code.';
    await this.mail(email, 'Finish creating your Real Estate OS account', text);
  }

  private async sendAlreadyRegistered(email: string): Promise<void> {
    const text =
      `Someone (we hope you) asked to create a new Real Estate OS account with ${email}, ` +
      'but this address already has one, so nothing was created.\n\n' +
      'Sign in with it, or if you forgot the password ask for a reset code (requestPasswordReset).\n\n' +
      'If this was not you, ignore this email: your account is unchanged.';
    await this.mail(email, 'You already have a Real Estate OS account', text);
  }

  private async mail(to: string, subject: string, text: string): Promise<void> {
    await this.deps.mailer.send({ from: this.deps.config.mailFrom, to, subject, text, html: textToHtml(text) });
  }
}
