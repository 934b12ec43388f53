import { Migration } from '@mikro-orm/migrations';

/** Messages sent to leads, one row per send, with the outcome of the send-time consent check. */
export class Migration20261123070000_messages extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create type message_status as enum ('QUEUED', 'SENT', 'BLOCKED', 'FAILED');
create table outbound_messages (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  lead_id uuid not null references leads (id) on delete cascade,
  template_id uuid not null references message_templates (id),
  channel message_channel not null,
  to_address text not null,
  subject text,
  body text not null,
  status message_status not null default 'QUEUED',
  error text,
  provider_message_id text,
  sent_at timestamptz,
  sent_by_id uuid
);
create index outbound_messages_lead_idx on outbound_messages (organization_id, lead_id, created_at desc, id);

alter table outbound_messages enable row level security;
create policy tenant_isolation on outbound_messages using (organization_id = app_current_org()) with check (organization_id = app_current_org());
`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists outbound_messages; drop type if exists message_status;');
  }
}
