import { Migration } from '@mikro-orm/migrations';

/** Campaigns and their recipients (the audience snapshotted at launch, one row per lead). */
export class Migration20261123080000_campaigns extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create type campaign_status as enum ('DRAFT', 'SCHEDULED', 'RUNNING', 'PAUSED', 'COMPLETED', 'CANCELLED');
create type recipient_status as enum ('QUEUED', 'SENDING', 'SENT', 'SKIPPED', 'FAILED', 'CANCELLED');
create type skip_reason as enum ('OPTED_OUT', 'NO_CONSENT', 'DNC', 'INVALID_ADDRESS', 'FREQUENCY_CAP', 'QUIET_HOURS_DEFERRED');
create table campaigns (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  name text not null,
  channel message_channel not null,
  template_id uuid not null references message_templates (id),
  audience jsonb not null default '{}',
  status campaign_status not null default 'DRAFT',
  start_at timestamptz,
  window_start_hour smallint not null default 9 check (window_start_hour between 0 and 23),
  window_end_hour smallint not null default 20 check (window_end_hour between 1 and 24),
  frequency_cap_days smallint check (frequency_cap_days between 1 and 365),
  launched_at timestamptz,
  completed_at timestamptz,
  generation integer not null default 0,
  created_by_id uuid
);
create index campaigns_org_idx on campaigns (organization_id, created_at desc, id);

create table campaign_recipients (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  campaign_id uuid not null references campaigns (id) on delete cascade,
  lead_id uuid not null references leads (id) on delete cascade,
  to_address text,
  time_zone text,
  status recipient_status not null default 'QUEUED',
  reason skip_reason,
  deferred_until timestamptz,
  error text,
  provider_message_id text,
  sent_at timestamptz,
  unique (campaign_id, lead_id)
);
create index campaign_recipients_status_idx on campaign_recipients (campaign_id, status);
create index campaign_recipients_lead_sent_idx on campaign_recipients (organization_id, lead_id, sent_at desc) where status = 'SENT';

alter table campaigns enable row level security;
create policy tenant_isolation on campaigns using (organization_id = app_current_org()) with check (organization_id = app_current_org());
alter table campaign_recipients enable row level security;
create policy tenant_isolation on campaign_recipients using (organization_id = app_current_org()) with check (organization_id = app_current_org());
`);
  }

  override async down(): Promise<void> {
    this.addSql(
      'drop table if exists campaign_recipients, campaigns; drop type if exists skip_reason, recipient_status, campaign_status;',
    );
  }
}
