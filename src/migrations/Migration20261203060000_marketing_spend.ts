import { Migration } from '@mikro-orm/migrations';

/**
 * What marketing cost: one row per spend (a mail drop, a PPC month, a bought list, SMS costs) over
 * a period of days, by lead source and optionally a campaign. Analytics spreads each amount evenly
 * over the days of its period.
 */
export class Migration20261203060000_marketing_spend extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create unique index campaigns_org_id_idx on campaigns (organization_id, id);
create table marketing_spend (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  source lead_source not null,
  campaign_id uuid,
  label text not null,
  amount numeric(14,2) not null check (amount > 0 and amount <= 1000000000),
  period_start date not null,
  period_end date not null,
  created_by_id uuid,
  check (period_end >= period_start and period_end - period_start <= 3660),
  foreign key (organization_id, campaign_id) references campaigns (organization_id, id)
    on delete set null (campaign_id) deferrable initially deferred
);
create index marketing_spend_period_idx on marketing_spend (organization_id, period_start, period_end);
alter table marketing_spend enable row level security;
create policy tenant_isolation on marketing_spend
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());
`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists marketing_spend; drop index if exists campaigns_org_id_idx;');
  }
}
