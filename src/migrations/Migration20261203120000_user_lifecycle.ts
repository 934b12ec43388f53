import { Migration } from '@mikro-orm/migrations';

/**
 * Deactivating members: a deactivated user cannot sign in or refresh, and `auth_epoch` — carried in
 * every access token — moves when a user is deactivated or their role changes, so tokens issued
 * before stop working within seconds (src/platform/auth/user-state.ts) instead of at expiry.
 */
export class Migration20261203120000_user_lifecycle extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table users add column deactivated_at timestamptz, add column auth_epoch integer not null default 0;

-- A token's user as sign-in sees it, before any organization is entered.
create function auth_user_state(p_user uuid) returns table (epoch integer, active boolean)
  language sql stable security definer set search_path = public, pg_temp as
  $$ select auth_epoch, deactivated_at is null from users where id = p_user $$;
`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop function if exists auth_user_state(uuid);
alter table users drop column if exists deactivated_at, drop column if exists auth_epoch;
`);
  }
}
