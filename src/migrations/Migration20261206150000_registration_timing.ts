import { Migration } from '@mikro-orm/migrations';

/**
 * `register` for an address with an account answered about a millisecond sooner than for a new
 * one (`BENCH_ONLY=register`: p50 ×0.95): only the new address's call wrote (and so waited for its
 * commit to reach the WAL). Now both write the same: every attempt is recorded, one for a taken
 * address already completed (no password hash kept, no code that could ever be claimed).
 */
export class Migration20261206150000_registration_timing extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create or replace function auth_registration_begin(
  p_email text, p_name text, p_organization_name text, p_password_hash text, p_token_hash text,
  p_ttl_seconds int, p_ip text
) returns boolean
  language plpgsql volatile security definer set search_path = public, pg_temp as
$$
declare taken boolean;
begin
  delete from registrations where expires_at < now() - interval '7 days';
  taken := exists (select 1 from users where email = lower(p_email));
  -- One live code per address: asking again retires the earlier ones.
  update registrations set completed_at = now() where email = lower(p_email) and completed_at is null;
  insert into registrations (email, name, organization_name, password_hash, token_hash, expires_at, completed_at,
                             requested_ip)
  values (lower(p_email), p_name, p_organization_name, case when taken then '' else p_password_hash end, p_token_hash,
          now() + make_interval(secs => p_ttl_seconds), case when taken then now() end, p_ip);
  return taken;
end
$$;
`);
  }

  override async down(): Promise<void> {
    this.addSql(`
create or replace function auth_registration_begin(
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
`);
  }
}
