import { Migration } from '@mikro-orm/migrations';

/** Investment memos (PDFs in object storage) and their public share links. */
export class Migration20261123030000_memos extends Migration {
  override async up(): Promise<void> {
    // memos references underwritings by (organization_id, id), which needs to be unique first.
    this.addSql('alter table underwritings add constraint underwritings_org_id_key unique (organization_id, id);');
    this.addSql(`
create type memo_status as enum ('PENDING', 'READY', 'FAILED');

create table memos (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deal_id uuid not null,
  underwriting_id uuid not null,
  status memo_status not null default 'PENDING',
  storage_key text,
  sha256 text check (sha256 ~ '^[0-9a-f]{64}$'),
  size_bytes integer,
  ready_at timestamptz,
  error text,
  created_by_id uuid not null,
  unique (organization_id, id),
  foreign key (organization_id, deal_id) references deals (organization_id, id) on delete cascade deferrable initially deferred,
  foreign key (organization_id, underwriting_id) references underwritings (organization_id, id) deferrable initially deferred,
  foreign key (organization_id, created_by_id) references users (organization_id, id) deferrable initially deferred
);
create index memos_deal_idx on memos (organization_id, deal_id, created_at desc);

create table share_links (
  id uuid primary key,
  organization_id uuid not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  memo_id uuid not null,
  token_hash text not null unique,
  expires_at timestamptz not null,
  revoked_at timestamptz,
  views integer not null default 0,
  last_viewed_at timestamptz,
  created_by_id uuid not null,
  foreign key (organization_id, memo_id) references memos (organization_id, id) on delete cascade deferrable initially deferred,
  foreign key (organization_id, created_by_id) references users (organization_id, id) deferrable initially deferred
);
create index share_links_memo_idx on share_links (organization_id, memo_id);

alter table memos enable row level security;
create policy tenant_isolation on memos using (organization_id = app_current_org()) with check (organization_id = app_current_org());
alter table share_links enable row level security;
create policy tenant_isolation on share_links using (organization_id = app_current_org()) with check (organization_id = app_current_org());

-- The public /share/:token route does not know the organization; this returns just that.
create function share_link_org(p_token_hash text) returns uuid
  language sql stable security definer set search_path = public, pg_temp as
  $$ select organization_id from share_links where token_hash = p_token_hash $$;
`);
  }

  override async down(): Promise<void> {
    this.addSql(
      'drop function if exists share_link_org(text); drop table if exists share_links, memos; drop type if exists memo_status;',
    );
    this.addSql('alter table underwritings drop constraint if exists underwritings_org_id_key;');
  }
}
