import { ForbiddenError, NotFoundError } from '../../platform/errors/index.js';
import { isUuid, requireActor, type ServiceScope } from '../scope.js';

/** One sign-in of the caller, as `sessions` lists it. */
export interface SessionView {
  id: string;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

/**
 * The caller's sessions: each sign-in is a family of refresh tokens (one per rotation), active while
 * one of them is neither revoked nor expired. Revoking one ends its refresh token at once and its
 * access tokens within SESSION_CHECK_MS (they carry the session's id; see UserStates).
 */
export class SessionService {
  constructor(private readonly scope: ServiceScope) {}

  async list(): Promise<SessionView[]> {
    const actor = this.person();
    const rows = await this.scope.em.execute<
      {
        id: string;
        created_at: Date;
        last_used_at: Date;
        expires_at: Date;
        ip: string | null;
        user_agent: string | null;
      }[]
    >(
      `select family_id as id, min(created_at) as created_at, max(created_at) as last_used_at,
              max(expires_at) filter (where revoked_at is null) as expires_at,
              (array_agg(ip order by created_at desc))[1] as ip,
              (array_agg(user_agent order by created_at desc))[1] as user_agent
         from refresh_tokens
        where user_id = ?
        group by family_id
       having bool_or(revoked_at is null and expires_at > now())
        order by max(created_at) desc`,
      [actor.id],
    );
    return rows.map((r) => ({
      id: r.id,
      createdAt: new Date(r.created_at),
      lastUsedAt: new Date(r.last_used_at),
      expiresAt: new Date(r.expires_at),
      ip: r.ip,
      userAgent: r.user_agent,
      current: r.id === actor.sessionId,
    }));
  }

  /** Ends one of the caller's sessions (another device, or this one). Unknown or ended: NOT_FOUND. */
  async revoke(sessionId: string): Promise<boolean> {
    const actor = this.person();
    if (!isUuid(sessionId)) throw new NotFoundError('Session', sessionId);
    const revoked = await this.scope.em.execute<{ id: string }[]>(
      `update refresh_tokens set revoked_at = now(), updated_at = now()
        where family_id = ? and user_id = ? and revoked_at is null and expires_at > now()
        returning id`,
      [sessionId, actor.id],
    );
    if (!revoked.length) throw new NotFoundError('Session', sessionId);
    this.scope.deps.userStates.forgetSession(sessionId); // this process refuses its tokens at once
    return true;
  }

  private person() {
    const actor = requireActor(this.scope);
    if (actor.apiKeyId) throw new ForbiddenError('API keys have no sessions; sign in as the person');
    return actor;
  }
}
