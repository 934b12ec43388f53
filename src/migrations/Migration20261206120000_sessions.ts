import { Migration } from '@mikro-orm/migrations';

/**
 * Sessions: a sign-in is a family of refresh tokens (each rotation adds one). Tokens now record the
 * client they were issued to (address and user agent), so `sessions` can say where each is signed
 * in, and access tokens carry their session's id: `auth_session_active` tells, before any tenant
 * scope exists (security definer, reading one family), whether that session still holds an active
 * refresh token — a revoked session (revokeSession, logout, reuse detection) ends its access tokens
 * within SESSION_CHECK_MS instead of at their expiry.
 */
export class Migration20261206120000_sessions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table refresh_tokens add column ip text, add column user_agent text;
create index refresh_tokens_session_idx on refresh_tokens (family_id);
create index refresh_tokens_user_active_idx on refresh_tokens (user_id) where revoked_at is null;

create function auth_session_active(p_family uuid) returns boolean
  language sql stable security definer set search_path = public, pg_temp as
  $$ select exists (select 1 from refresh_tokens
                     where family_id = p_family and revoked_at is null and expires_at > now()) $$;
`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop function if exists auth_session_active(uuid);
drop index if exists refresh_tokens_user_active_idx;
drop index if exists refresh_tokens_session_idx;
alter table refresh_tokens drop column if exists ip, drop column if exists user_agent;`);
  }
}
