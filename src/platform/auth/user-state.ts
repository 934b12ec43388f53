import type { MikroORM } from '@mikro-orm/postgresql';
import { UnauthenticatedError } from '../errors/index.js';
import { forkAnonymous } from '../tenancy/tenant-em.js';
import type { AuthUser } from './tokens.js';

/**
 * Whether a verified access token still speaks for an active user at the epoch it was issued in,
 * and for a session (sign-in) that has not been revoked.
 * Deactivating a user or changing their role moves their epoch, so tokens issued before are refused
 * within SESSION_CHECK_MS (2 s) on every process — on HTTP at the next request, on WebSocket by the
 * periodic check in ws.ts — without waiting for the token to expire. One lookup per user per
 * process per TTL.
 */
export class UserStates {
  private readonly known = new Map<string, { at: number; state: Promise<{ epoch: number; active: boolean } | null> }>();
  /** Sessions (refresh-token families) by id: still signed in? Read at most once per TTL. */
  private readonly sessions = new Map<string, { at: number; active: Promise<boolean> }>();

  constructor(
    private readonly orm: MikroORM,
    /** How long this process trusts what it last read about a user (SESSION_CHECK_MS). */
    private readonly ttlMs: number,
  ) {}

  async current(user: AuthUser): Promise<boolean> {
    const epoch = user.epoch ?? 0;
    let entry = this.known.get(user.id);
    let state = entry && Date.now() - entry.at <= this.ttlMs ? await entry.state : undefined;
    // A token newer than what this process last read (a sign-in after reactivation) is read afresh.
    if (state === undefined || (state && epoch > state.epoch)) {
      if (this.known.size >= 50_000) this.known.clear();
      entry = { at: Date.now(), state: this.read(user.id) };
      this.known.set(user.id, entry);
      entry.state.catch(() => this.known.delete(user.id));
      state = await entry.state;
    }
    if (!state || !state.active || state.epoch !== epoch) return false;
    return user.sessionId ? this.sessionActive(user.sessionId) : true;
  }

  /** Forgets what this process read about a session (it was just revoked here). */
  forgetSession(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  /** False once the session was revoked (revokeSession, logout, a stolen refresh token) or expired. */
  private async sessionActive(sessionId: string): Promise<boolean> {
    const entry = this.sessions.get(sessionId);
    if (entry && Date.now() - entry.at <= this.ttlMs) return entry.active;
    if (this.sessions.size >= 50_000) this.sessions.clear();
    const active = forkAnonymous(this.orm)
      .getConnection()
      .execute<{ active: boolean }[]>('select auth_session_active(?) as active', [sessionId])
      .then((rows) => rows[0]?.active === true);
    this.sessions.set(sessionId, { at: Date.now(), active });
    active.catch(() => this.sessions.delete(sessionId));
    return active;
  }

  async assertCurrent(user: AuthUser): Promise<void> {
    if (!(await this.current(user))) throw new UnauthenticatedError('This session has ended; sign in again');
  }

  private async read(userId: string) {
    const rows = await forkAnonymous(this.orm)
      .getConnection()
      .execute<{ epoch: number; active: boolean }[]>('select * from auth_user_state(?)', [userId]);
    return rows[0] ?? null;
  }
}
