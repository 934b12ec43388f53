import { Migration } from '@mikro-orm/migrations';

/**
 * Sign-up confirmed by email: `register` keeps what it was given here with the SHA-256 of a
 * single-use, 30-minute code it emails; `completeRegistration` claims the code and creates the
 * organization. No tenant exists yet, so the app role reaches the table only through two security
 * definer functions (row-level security is on with no policy): one records a sign-up and answers
 * whether the address already has an account — one round trip either way, so the answer takes as
 * long — and one claims a code once.
 */
export class Migration20261206140000_registrations extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table registrations (
  id uuid primary key default gen_random_uuid(),
  created_at timestamptz not null default now(),
  email text not null,
  name text not null,
  organization_name text not null,
  password_hash text not null,
  token_hash text not null unique,
  expires_at timestamptz not null,
  completed_at timestamptz,
  requested_ip text
);
create index registrations_email_idx on registrations (email) where completed_at is null;
create index registrations_expires_idx on registrations (expires_at);
alter table registrations enable row level security;

create function auth_registration_begin(
  p_email text, p_name text, p_organization_name text, p_password_hash text, p_token_hash text,
  p_ttl_seconds int, p_ip text
) returns boolean
  language plpgsql volatile security definer set search_path = public, pg_temp as
$$
begin
  delete from registrations where expires_at < now() - interval '7 days';
  if exists (select 1 from users where email = lower(p_email)) then
    return true;
  end if;
  -- One live code per address: asking again retires the earlier ones.
  update registrations set completed_at = now() where email = lower(p_email) and completed_at is null;
  insert into registrations (email, name, organization_name, password_hash, token_hash, expires_at, requested_ip)
  values (lower(p_email), p_name, p_organization_name, p_password_hash, p_token_hash,
          now() + make_interval(secs => p_ttl_seconds), p_ip);
  return false;
end
$$;

create function auth_registration_claim(p_token_hash text)
  returns table (email text, name text, organization_name text, password_hash text)
  language sql volatile security definer set search_path = public, pg_temp as
  $$ update registrations r set completed_at = now()
      where r.token_hash = p_token_hash and r.completed_at is null and r.expires_at > now()
      returning r.email, r.name, r.organization_name, r.password_hash $$;
`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop function if exists auth_registration_claim(text);
drop function if exists auth_registration_begin(text, text, text, text, text, int, text);
drop table if exists registrations;`);
  }
}
