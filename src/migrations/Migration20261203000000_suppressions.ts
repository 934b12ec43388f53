import { Migration } from '@mikro-orm/migrations';

/**
 * The suppression list: contact points that hard-bounced (or complained) are never tried again by
 * a campaign until an admin lifts the entry (skip reason BOUNCED_BEFORE). One active entry per
 * organization, channel and contact point; a lifted entry stays as history. Campaign recipients that
 * share a contact point with an earlier recipient of the same campaign are skipped as
 * DUPLICATE_CONTACT, so one address gets one copy.
 */
export class Migration20261203000000_suppressions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter type skip_reason add value if not exists 'BOUNCED_BEFORE';
alter type skip_reason add value if not exists 'DUPLICATE_CONTACT';
create table suppressions (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  channel message_channel not null,
  contact_point text not null,
  reason text not null check (reason in ('HARD_BOUNCE', 'COMPLAINT')),
  detail text,
  lifted_at timestamptz,
  lifted_by_id uuid
);
create unique index suppressions_active_idx on suppressions (organization_id, channel, contact_point) where lifted_at is null;
create index suppressions_org_idx on suppressions (organization_id, created_at desc, id);
alter table suppressions enable row level security;
create policy tenant_isolation on suppressions using (organization_id = app_current_org()) with check (organization_id = app_current_org());
`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists suppressions;');
  }
}
