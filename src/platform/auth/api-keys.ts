import type { MikroORM } from '@mikro-orm/postgresql';
import { randomBytes } from 'node:crypto';
import { Role } from '../../../entities/enums.js';
import { UnauthenticatedError } from '../errors/index.js';
import { forkAnonymous } from '../tenancy/tenant-em.js';
import { hashToken, type AuthUser } from './tokens.js';

export const API_KEY_PREFIX = 'reos_live_';
/** Characters of a key kept visible (`reos_live_` + 6). */
const VISIBLE = API_KEY_PREFIX.length + 6;
const RANK: Record<Role, number> = { OWNER: 4, ADMIN: 3, AGENT: 2, VIEWER: 1 };

export function isApiKey(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX);
}

/** A new key: what the caller is shown once, what is stored (hash) and what stays visible (prefix). */
export function newApiKey(): { key: string; hash: string; prefix: string } {
  const key = `${API_KEY_PREFIX}${randomBytes(24).toString('base64url')}`;
  return { key, hash: hashToken(key), prefix: key.slice(0, VISIBLE) };
}

interface KeyRow {
  id: string;
  organization_id: string;
  role: Role;
  created_by_id: string;
  expires_at: Date | null;
  revoked_at: Date | null;
  creator_role: Role;
  creator_active: boolean;
}

/**
 * API keys on the way in (HTTP `Authorization: Bearer reos_live_…`, WebSocket `connection_init`).
 * A key acts in its organization with its role — never above its creator's current role — and
 * is attributed to its creator; an unknown, expired or revoked key, or one whose creator was
 * deactivated, is UNAUTHENTICATED without saying which. What this process read is trusted for
 * SESSION_CHECK_MS (revoking evicts it here at once); last use is written at most once a minute.
 */
export class ApiKeys {
  private readonly known = new Map<string, { at: number; row: Promise<KeyRow | null> }>();
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly orm: MikroORM,
    private readonly ttlMs: number,
  ) {}

  async verify(key: string): Promise<AuthUser> {
    const hash = hashToken(key);
    let entry = this.known.get(hash);
    if (!entry || Date.now() - entry.at > this.ttlMs) {
      if (this.known.size >= 10_000) this.known.clear();
      entry = { at: Date.now(), row: this.read(hash) };
      this.known.set(hash, entry);
      entry.row.catch(() => this.known.delete(hash));
    }
    const row = await entry.row;
    const now = Date.now();
    if (!row || row.revoked_at || !row.creator_active || (row.expires_at && row.expires_at.getTime() <= now))
      throw new UnauthenticatedError('Invalid API key');
    this.touch(row.id, now);
    const role = RANK[row.role] <= RANK[row.creator_role] ? row.role : row.creator_role;
    return { id: row.created_by_id, organizationId: row.organization_id, role, apiKeyId: row.id };
  }

  /** Forgets a key in this process (revoked here). */
  forget(hash: string): void {
    this.known.delete(hash);
  }

  private touch(id: string, now: number): void {
    if (now - (this.touched.get(id) ?? 0) < 60_000) return;
    this.touched.set(id, now);
    void forkAnonymous(this.orm)
      .getConnection()
      .execute('select auth_api_key_used(?)', [id])
      .catch(() => this.touched.delete(id));
  }

  private async read(hash: string): Promise<KeyRow | null> {
    const rows = await forkAnonymous(this.orm)
      .getConnection()
      .execute<KeyRow[]>('select * from auth_api_key(?)', [hash]);
    const row = rows[0];
    return row ? { ...row, expires_at: row.expires_at && new Date(row.expires_at) } : null;
  }
}
