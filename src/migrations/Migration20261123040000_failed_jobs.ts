import { Migration } from '@mikro-orm/migrations';

/** Dead-letter records: jobs that used up their attempts, kept for inspection and replay. */
export class Migration20261123040000_failed_jobs extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table failed_jobs (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  queue text not null,
  job_name text not null,
  job_id text not null,
  payload jsonb not null,
  last_error text not null,
  attempts integer not null,
  failed_at timestamptz not null,
  replayed_at timestamptz,
  replay_job_id text,
  replayed_by_id uuid,
  unique (queue, job_id, failed_at)
);
create index failed_jobs_org_idx on failed_jobs (organization_id, failed_at desc, id);
alter table failed_jobs enable row level security;
create policy tenant_isolation on failed_jobs using (organization_id = app_current_org()) with check (organization_id = app_current_org());
`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists failed_jobs;');
  }
}
