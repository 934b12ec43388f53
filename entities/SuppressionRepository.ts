import type { MessageChannel } from './enums.js';
import { PagedRepository, type Page, type PageRequest } from './pagination.js';
import type { Suppression } from './Suppression.js';

export class SuppressionRepository extends PagedRepository<Suppression> {
  /** Newest first; lifted entries only when asked for. */
  page(
    organizationId: string,
    filter: { channel?: MessageChannel | null; includeLifted?: boolean | null },
    page: PageRequest,
  ): Promise<Page<Suppression>> {
    const where = {
      ...(filter.channel ? { channel: filter.channel } : {}),
      ...(filter.includeLifted ? {} : { liftedAt: null }),
    };
    return this.findPage(where, { column: 'createdAt', direction: 'desc' }, page, organizationId);
  }

  /**
   * Records that a contact point must not be tried again (idempotent: an active entry wins). Runs in
   * the caller's tenant scope; one statement, so a send path can call it without a flush.
   */
  async suppress(
    organizationId: string,
    channel: MessageChannel,
    contactPoint: string,
    reason: Suppression['reason'],
    detail: string | null,
  ): Promise<void> {
    await this.getEntityManager().execute(
      `insert into suppressions (id, organization_id, channel, contact_point, reason, detail)
       values (?, ?, ?, ?, ?, ?)
       on conflict (organization_id, channel, contact_point) where lifted_at is null do nothing`,
      [crypto.randomUUID(), organizationId, channel, contactPoint, reason, detail?.slice(0, 500) ?? null],
    );
  }
}
