import { Migration } from '@mikro-orm/migrations';

/**
 * CSV imports of leads and properties: one row per import (its file, mapping, progress and counts)
 * and one per reported row (invalid or duplicate, with the row's values for the downloadable report).
 */
export class Migration20261124010000_imports extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create type import_kind as enum ('LEADS', 'PROPERTIES');
create type import_status as enum ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED');
create table imports (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  kind import_kind not null,
  status import_status not null default 'QUEUED',
  file_name text not null,
  file_key text not null,
  file_bytes bigint not null,
  mapping jsonb not null default '{}',
  options jsonb not null default '{}',
  columns text[] not null default '{}',
  unmapped_columns text[] not null default '{}',
  rows_total integer not null default 0,
  rows_imported integer not null default 0,
  rows_duplicate integer not null default 0,
  rows_invalid integer not null default 0,
  error text,
  error_report_key text,
  created_by_id uuid,
  started_at timestamptz,
  completed_at timestamptz
);
create index imports_org_idx on imports (organization_id, created_at desc, id);

create table import_issues (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  import_id uuid not null references imports (id) on delete cascade,
  row_number integer not null,
  kind text not null check (kind in ('INVALID', 'DUPLICATE')),
  field text,
  message text not null,
  existing_id uuid,
  "values" jsonb not null default '[]',
  unique (import_id, row_number)
);
alter table imports enable row level security;
create policy tenant_isolation on imports using (organization_id = app_current_org()) with check (organization_id = app_current_org());
alter table import_issues enable row level security;
create policy tenant_isolation on import_issues using (organization_id = app_current_org()) with check (organization_id = app_current_org());
`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists import_issues, imports; drop type if exists import_status, import_kind;');
  }
}
