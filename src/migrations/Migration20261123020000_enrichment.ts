import { Migration } from '@mikro-orm/migrations';

/**
 * Property enrichment (hazards, owner facts) with per-field provenance, and the comps an
 * underwriting version used.
 */
export class Migration20261123020000_enrichment extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create type enrichment_status as enum ('NONE', 'PENDING', 'DONE', 'NO_DATA', 'FAILED');
alter table properties
  add column enrichment_status enrichment_status not null default 'NONE',
  add column enrichment jsonb;
alter table underwritings add column comp_ids jsonb not null default '[]';
`);
  }

  override async down(): Promise<void> {
    this.addSql(`
alter table underwritings drop column comp_ids;
alter table properties drop column enrichment, drop column enrichment_status;
drop type enrichment_status;
`);
  }
}
