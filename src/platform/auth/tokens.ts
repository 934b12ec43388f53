import { createHash, randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import { Role } from '../../../entities/enums.js';
import { UnauthenticatedError } from '../errors/index.js';

/** Who is calling, as carried by a verified access token. */
export interface AuthUser {
  id: string;
  organizationId: string;
  role: Role;
  /** The user's auth epoch when the token was issued (UserStates refuses tokens of an older one). */
  epoch?: number;
  /** Set when an API key is calling: `id` is then the key's creator, `role` the key's (see ApiKeys). */
  apiKeyId?: string;
  /** The sign-in (refresh-token family) the access token belongs to; revoking it ends the token too. */
  sessionId?: string;
}

const ISSUER = 'real-estate-os';
const AUDIENCE = 'real-estate-os-api';
const ROLES = new Set<string>(Object.values(Role));

/** Verified access tokens kept per process; past this many, the oldest are dropped first. */
const VERIFIED_CACHE_SIZE = 10_000;

export class TokenSigner {
  private readonly key: Uint8Array;
  /** token → who it names and when it expires (epoch seconds): a token is checked once per process. */
  private readonly verified = new Map<string, { user: AuthUser; exp: number }>();

  constructor(
    secret: string,
    private readonly accessTtlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async signAccess(user: AuthUser): Promise<{ token: string; expiresAt: Date }> {
    const expiresAt = new Date(Date.now() + this.accessTtlSeconds * 1000);
    const claims = { org: user.organizationId, role: user.role, ep: user.epoch ?? 0 };
    const token = await new SignJWT(user.sessionId ? { ...claims, sid: user.sessionId } : claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.key);
    return { token, expiresAt };
  }

  /**
   * Verifies signature, issuer, audience and expiry; any failure is UNAUTHENTICATED. A verified
   * token is remembered until it expires (access tokens are stateless, so nothing can revoke one
   * sooner): later calls with it skip the HMAC and claim checks, and still refuse it once expired.
   */
  async verifyAccess(token: string): Promise<AuthUser> {
    const known = this.verified.get(token);
    if (known) {
      if (known.exp > Date.now() / 1000) return known.user;
      this.verified.delete(token);
      throw new UnauthenticatedError('Access token expired');
    }
    const { user, exp } = await this.verify(token);
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { user, exp });
    return user;
  }

  private async verify(token: string): Promise<{ user: AuthUser; exp: number }> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
        // A token without an expiry would never end: refused, even when correctly signed.
        requiredClaims: ['exp', 'iat', 'sub'],
      });
      const { sub, org, role, exp, ep, sid } = payload as {
        sub?: string;
        org?: unknown;
        role?: unknown;
        exp?: number;
        ep?: unknown;
        sid?: unknown;
      };
      if (!sub || typeof org !== 'string' || typeof role !== 'string' || !ROLES.has(role)) {
        throw new UnauthenticatedError('Invalid access token');
      }
      const epoch = typeof ep === 'number' && Number.isInteger(ep) ? ep : 0;
      const user: AuthUser = { id: sub, organizationId: org, role: role as Role, epoch };
      if (typeof sid === 'string') user.sessionId = sid;
      return { user, exp: exp! };
    } catch (err) {
      if (err instanceof UnauthenticatedError) throw err;
      if (err instanceof joseErrors.JWTExpired) throw new UnauthenticatedError('Access token expired');
      throw new UnauthenticatedError('Invalid access token');
    }
  }
}

/** An opaque random token (refresh token, invitation) and the hash that is stored instead of it. */
export function newOpaqueToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Reads a bearer token from an Authorization header value. */
export function bearer(header: string | undefined | null): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(.+)$/i.exec(header.trim());
  return m ? m[1]!.trim() : null;
}
