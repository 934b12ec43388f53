import { Migration } from '@mikro-orm/migrations';

/**
 * SMS and delivery tracking: what happened to a message after it was sent (DELIVERED, BOUNCED,
 * OPENED, CLICKED, REPLIED, OPTED_OUT) with when; each organization's SMS sending number; and the
 * inbound messages received (one row per provider message id, so a re-delivered webhook is a no-op).
 */
export class Migration20261124000000_sms_tracking extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter type recipient_status add value if not exists 'DELIVERED';
alter type recipient_status add value if not exists 'BOUNCED';
alter type recipient_status add value if not exists 'OPENED';
alter type recipient_status add value if not exists 'CLICKED';
alter type recipient_status add value if not exists 'REPLIED';
alter type recipient_status add value if not exists 'OPTED_OUT';
alter table campaign_recipients
  add column delivered_at timestamptz,
  add column opened_at timestamptz,
  add column clicked_at timestamptz,
  add column replied_at timestamptz;
drop index if exists campaign_recipients_lead_sent_idx;
create index campaign_recipients_lead_sent_idx on campaign_recipients (organization_id, lead_id, sent_at desc) where sent_at is not null;
create index campaign_recipients_provider_idx on campaign_recipients (organization_id, provider_message_id) where provider_message_id is not null;
create index campaign_recipients_to_sent_idx on campaign_recipients (organization_id, to_address, sent_at desc) where sent_at is not null;

alter table organizations add column sms_number text unique;
-- Twilio's inbound webhook knows only the number a message was sent to; this names its organization.
create function sms_number_org(p_number text) returns uuid
  language sql stable security definer set search_path = public, pg_temp as
  $$ select id from organizations where sms_number = p_number $$;

create table inbound_messages (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  channel message_channel not null,
  from_address text not null,
  to_address text not null,
  body text not null,
  kind text not null check (kind in ('OPT_OUT', 'OPT_IN', 'HELP', 'REPLY')),
  provider_message_id text not null,
  lead_id uuid references leads (id) on delete set null,
  campaign_recipient_id uuid references campaign_recipients (id) on delete set null,
  received_at timestamptz not null,
  unique (organization_id, provider_message_id)
);
create index inbound_messages_org_idx on inbound_messages (organization_id, received_at desc, id);
alter table inbound_messages enable row level security;
create policy tenant_isolation on inbound_messages using (organization_id = app_current_org()) with check (organization_id = app_current_org());
`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop table if exists inbound_messages;
drop function if exists sms_number_org(text);
alter table organizations drop column if exists sms_number;
drop index if exists campaign_recipients_provider_idx;
drop index if exists campaign_recipients_to_sent_idx;
alter table campaign_recipients drop column if exists delivered_at, drop column if exists opened_at, drop column if exists clicked_at, drop column if exists replied_at;
`);
  }
}
