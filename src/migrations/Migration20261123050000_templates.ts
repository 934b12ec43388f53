import { Migration } from '@mikro-orm/migrations';

/** Message templates for outreach (email and SMS). */
export class Migration20261123050000_templates extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create type message_channel as enum ('EMAIL', 'SMS');
create table message_templates (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  name text not null,
  channel message_channel not null,
  subject text,
  body text not null,
  archived_at timestamptz,
  check ((channel = 'EMAIL') = (subject is not null)),
  unique (organization_id, id)
);
create unique index message_templates_name_key on message_templates (organization_id, lower(name)) where archived_at is null;
alter table message_templates enable row level security;
create policy tenant_isolation on message_templates using (organization_id = app_current_org()) with check (organization_id = app_current_org());
`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists message_templates; drop type if exists message_channel;');
  }
}
