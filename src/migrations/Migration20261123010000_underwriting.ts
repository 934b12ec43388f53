import { Migration } from '@mikro-orm/migrations';

/** Versioned deal analyses. Append-only: the app role may insert and read, never update or delete. */
export class Migration20261123010000_underwriting extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create type underwriting_kind as enum ('FLIP', 'RENTAL', 'DCF');

create table underwritings (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deal_id uuid not null,
  version integer not null check (version > 0),
  kind underwriting_kind not null,
  inputs jsonb not null,
  outputs jsonb not null,
  notes text,
  created_by_id uuid not null,
  unique (deal_id, version),
  foreign key (organization_id, deal_id) references deals (organization_id, id) on delete cascade deferrable initially deferred,
  foreign key (organization_id, created_by_id) references users (organization_id, id) deferrable initially deferred
);
create index underwritings_deal_idx on underwritings (organization_id, deal_id, version desc);

alter table underwritings enable row level security;
create policy tenant_isolation on underwritings using (organization_id = app_current_org()) with check (organization_id = app_current_org());
`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists underwritings; drop type if exists underwriting_kind;');
  }
}
