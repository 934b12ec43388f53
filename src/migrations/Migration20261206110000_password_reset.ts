import { Migration } from '@mikro-orm/migrations';

/**
 * Forgot/reset password: single-use, 30-minute tokens sent by email, stored as SHA-256. A reset
 * is found by its token's hash before any tenant scope exists (`auth_password_reset_org`, security
 * definer, reading just that row).
 */
export class Migration20261206110000_password_reset extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table password_resets (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  user_id uuid not null references users (id) on delete cascade,
  token_hash text not null unique,
  expires_at timestamptz not null,
  used_at timestamptz,
  requested_ip text
);
create index password_resets_user_idx on password_resets (user_id) where used_at is null;
alter table password_resets enable row level security;
create policy tenant_isolation on password_resets
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());

create function auth_password_reset_org(p_hash text) returns uuid
  language sql stable security definer set search_path = public, pg_temp as
  $$ select organization_id from password_resets where token_hash = p_hash $$;
`);
  }

  override async down(): Promise<void> {
    this.addSql('drop function if exists auth_password_reset_org(text); drop table if exists password_resets;');
  }
}
