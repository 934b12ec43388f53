import { Migration } from '@mikro-orm/migrations';

/** Invitations can be revoked before they are accepted (`revokeInvitation`). */
export class Migration20261203110000_invitation_revocation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table invitations add column revoked_at timestamptz;
create index invitations_pending_idx on invitations (organization_id, created_at)
  where accepted_at is null and revoked_at is null;
`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop index if exists invitations_pending_idx;
alter table invitations drop column if exists revoked_at;
`);
  }
}
