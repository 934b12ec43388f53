import { Migration } from '@mikro-orm/migrations';

const TENANT_TABLES = [
  'users',
  'refresh_tokens',
  'invitations',
  'properties',
  'leads',
  'activities',
  'deals',
  'deal_stage_changes',
];

/**
 * Core schema: organizations, users and auth tokens, properties, leads, activities, deals.
 *
 * Isolation lives here twice over: composite foreign keys `(organization_id, x_id)` make a row
 * unable to reference another organization's row, and row-level security policies show a
 * connection only the rows of the organization in `app.organization_id`. The app role does not
 * own these tables, so RLS applies to it; the owner (migrations) is exempt.
 */
export class Migration20261123000000_core extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create function app_current_org() returns uuid language sql stable as
  $$ select nullif(current_setting('app.organization_id', true), '')::uuid $$;

create type user_role as enum ('OWNER', 'ADMIN', 'AGENT', 'VIEWER');
create type property_type as enum ('SINGLE_FAMILY', 'MULTI_FAMILY', 'CONDO', 'TOWNHOUSE', 'MOBILE', 'LAND', 'COMMERCIAL');
create type geocode_status as enum ('PENDING', 'DONE', 'NOT_FOUND', 'FAILED');
create type lead_source as enum ('DIRECT_MAIL', 'COLD_CALL', 'SMS', 'PPC', 'SEO', 'REFERRAL', 'DRIVING_FOR_DOLLARS', 'LIST_IMPORT', 'OTHER');
create type lead_status as enum ('NEW', 'CONTACTED', 'QUALIFIED', 'NURTURE', 'DEAD');
create type activity_type as enum ('CALL', 'SMS', 'EMAIL', 'NOTE', 'MEETING', 'VOICEMAIL', 'MAIL');
create type activity_direction as enum ('INBOUND', 'OUTBOUND', 'INTERNAL');
create type deal_stage as enum ('NEW', 'CONTACTED', 'APPOINTMENT_SET', 'OFFER_MADE', 'NEGOTIATION', 'UNDER_CONTRACT', 'CLOSED_WON', 'CLOSED_LOST');

create table organizations (
  id uuid primary key,
  name text not null check (length(name) between 1 and 200),
  created_at timestamptz not null default now()
);

create table users (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  email text not null check (email = lower(email)),
  name text not null,
  role user_role not null,
  password_hash text not null,
  last_login_at timestamptz,
  unique (organization_id, id)
);
create unique index users_email_key on users (email);

create table refresh_tokens (
  id uuid primary key,
  organization_id uuid not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  user_id uuid not null,
  token_hash text not null unique,
  family_id uuid not null,
  expires_at timestamptz not null,
  revoked_at timestamptz,
  replaced_by_id uuid,
  foreign key (organization_id, user_id) references users (organization_id, id) on delete cascade deferrable initially deferred
);
create index refresh_tokens_family_idx on refresh_tokens (organization_id, family_id);

create table invitations (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  email text not null check (email = lower(email)),
  name text not null,
  role user_role not null,
  token_hash text not null unique,
  invited_by_id uuid not null,
  expires_at timestamptz not null,
  accepted_at timestamptz,
  foreign key (organization_id, invited_by_id) references users (organization_id, id) on delete cascade deferrable initially deferred
);

create table properties (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  address_line text not null,
  city text not null,
  state text not null check (state ~ '^[A-Z]{2}$'),
  zip text not null check (zip ~ '^[0-9]{5}$'),
  county text,
  latitude double precision check (latitude between -90 and 90),
  longitude double precision check (longitude between -180 and 180),
  normalized_address text not null,
  property_type property_type not null default 'SINGLE_FAMILY',
  bedrooms int check (bedrooms >= 0),
  bathrooms numeric(4,1) check (bathrooms >= 0),
  square_feet int check (square_feet > 0),
  lot_size_sqft int check (lot_size_sqft > 0),
  year_built int check (year_built between 1600 and 2100),
  estimated_value numeric(14,2) check (estimated_value >= 0),
  last_sale_date date,
  last_sale_price numeric(14,2) check (last_sale_price >= 0),
  owner_name text,
  owner_mailing_address text,
  owner_occupied boolean,
  tags text[] not null default '{}',
  geocode_status geocode_status not null default 'PENDING',
  archived_at timestamptz,
  unique (organization_id, id)
);
create unique index properties_address_key on properties (organization_id, normalized_address) where archived_at is null;
create index properties_created_idx on properties (organization_id, created_at, id);
create index properties_zip_idx on properties (organization_id, zip);
create index properties_tags_idx on properties using gin (tags);

create table leads (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  first_name text not null,
  last_name text not null,
  email text check (email = lower(email)),
  phone text check (phone ~ '^\\+[1-9][0-9]{6,14}$'),
  source lead_source not null default 'OTHER',
  status lead_status not null default 'NEW',
  motivation text,
  property_id uuid,
  assigned_user_id uuid,
  unique (organization_id, id),
  foreign key (organization_id, property_id) references properties (organization_id, id) deferrable initially deferred,
  foreign key (organization_id, assigned_user_id) references users (organization_id, id) deferrable initially deferred
);
create index leads_created_idx on leads (organization_id, created_at, id);
create index leads_property_idx on leads (organization_id, property_id);
create index leads_phone_idx on leads (organization_id, phone);
create index leads_email_idx on leads (organization_id, email);

create table activities (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  lead_id uuid not null,
  type activity_type not null,
  direction activity_direction not null default 'OUTBOUND',
  body text,
  outcome text,
  occurred_at timestamptz not null,
  user_id uuid,
  foreign key (organization_id, lead_id) references leads (organization_id, id) on delete cascade deferrable initially deferred,
  foreign key (organization_id, user_id) references users (organization_id, id) deferrable initially deferred
);
create index activities_lead_idx on activities (organization_id, lead_id, occurred_at desc);

create table deals (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  title text not null,
  lead_id uuid not null,
  property_id uuid not null,
  stage deal_stage not null default 'NEW',
  offer_amount numeric(14,2) check (offer_amount >= 0),
  contract_price numeric(14,2) check (contract_price >= 0),
  assignment_fee numeric(14,2) check (assignment_fee >= 0),
  expected_close_date date,
  lost_reason text,
  assigned_user_id uuid,
  stage_changed_at timestamptz not null default now(),
  unique (organization_id, id),
  foreign key (organization_id, lead_id) references leads (organization_id, id) deferrable initially deferred,
  foreign key (organization_id, property_id) references properties (organization_id, id) deferrable initially deferred,
  foreign key (organization_id, assigned_user_id) references users (organization_id, id) deferrable initially deferred
);
create index deals_stage_idx on deals (organization_id, stage);
create index deals_created_idx on deals (organization_id, created_at, id);
create index deals_lead_idx on deals (organization_id, lead_id);
create index deals_property_idx on deals (organization_id, property_id);

create table deal_stage_changes (
  id uuid primary key,
  organization_id uuid not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deal_id uuid not null,
  from_stage deal_stage,
  to_stage deal_stage not null,
  at timestamptz not null,
  by_user_id uuid,
  note text,
  foreign key (organization_id, deal_id) references deals (organization_id, id) on delete cascade deferrable initially deferred,
  foreign key (organization_id, by_user_id) references users (organization_id, id) deferrable initially deferred
);
create index deal_stage_changes_deal_idx on deal_stage_changes (organization_id, deal_id, at);

alter table organizations enable row level security;
create policy tenant_isolation on organizations using (id = app_current_org()) with check (id = app_current_org());
`);
    for (const table of TENANT_TABLES) {
      this.addSql(`alter table ${table} enable row level security;`);
      this.addSql(
        `create policy tenant_isolation on ${table} using (organization_id = app_current_org()) with check (organization_id = app_current_org());`,
      );
    }
    // Pre-authentication lookups: the only way the app role reads across organizations, each
    // returning just enough to scope the next step to one organization.
    this.addSql(`
create function auth_login_lookup(p_email text) returns table (user_id uuid, organization_id uuid)
  language sql stable security definer set search_path = public, pg_temp as
  $$ select id, organization_id from users where email = lower(p_email) $$;

create function auth_email_taken(p_email text) returns boolean
  language sql stable security definer set search_path = public, pg_temp as
  $$ select exists (select 1 from users where email = lower(p_email)) $$;

create function auth_refresh_token_org(p_token_hash text) returns uuid
  language sql stable security definer set search_path = public, pg_temp as
  $$ select organization_id from refresh_tokens where token_hash = p_token_hash $$;

create function auth_invitation_org(p_token_hash text) returns uuid
  language sql stable security definer set search_path = public, pg_temp as
  $$ select organization_id from invitations where token_hash = p_token_hash $$;
`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop function if exists auth_login_lookup(text), auth_email_taken(text), auth_refresh_token_org(text), auth_invitation_org(text);
drop table if exists deal_stage_changes, deals, activities, leads, properties, invitations, refresh_tokens, users, organizations cascade;
drop type if exists deal_stage, activity_direction, activity_type, lead_status, lead_source, geocode_status, property_type, user_role;
drop function if exists app_current_org();
`);
  }
}
