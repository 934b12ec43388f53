import { Migration } from '@mikro-orm/migrations';

/** When a campaign recipient used the unsubscribe link of its email. */
export class Migration20261123090000_unsubscribe extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table campaign_recipients add column unsubscribed_at timestamptz;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table campaign_recipients drop column if exists unsubscribed_at;');
  }
}
