import { Migration } from '@mikro-orm/migrations';

/**
 * What a memo of an underwriting version prints, frozen when the version is saved, so a memo of
 * the same version is the same bytes whatever happens to the deal later. Null for older versions.
 */
export class Migration20261203010000_memo_snapshots extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table underwritings add column memo_content jsonb;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table underwritings drop column if exists memo_content;');
  }
}
