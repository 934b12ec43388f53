import { Migration } from '@mikro-orm/migrations';

/** Consent ledger (append-only) and the organization's do-not-contact list. */
export class Migration20261123060000_consent extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create type consent_status as enum ('OPTED_IN', 'OPTED_OUT');
create table consent_records (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  channel message_channel not null,
  contact_point text not null,
  status consent_status not null,
  source text not null,
  evidence text,
  recorded_at timestamptz not null,
  recorded_by_id uuid
);
create index consent_records_point_idx on consent_records (organization_id, channel, contact_point, recorded_at desc, id);

create table do_not_contact (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  contact_point text not null,
  reason text,
  added_by_id uuid,
  unique (organization_id, contact_point)
);

alter table consent_records enable row level security;
create policy tenant_isolation on consent_records using (organization_id = app_current_org()) with check (organization_id = app_current_org());
alter table do_not_contact enable row level security;
create policy tenant_isolation on do_not_contact using (organization_id = app_current_org()) with check (organization_id = app_current_org());
`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists do_not_contact, consent_records; drop type if exists consent_status;');
  }
}
