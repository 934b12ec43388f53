import { Activity, CampaignRecipient, ConsentRecord } from '../../../entities/index.js';
import { ActivityType, ConsentStatus, Direction, MessageChannel, RecipientStatus } from '../../../entities/enums.js';
import { Topics } from '../../platform/pubsub.js';
import type { ServiceScope } from '../scope.js';
import { RecipientTransitions } from './recipient-status.js';

/**
 * What a campaign email's reader does through its signed links: opens (pixel), clicks (tracked
 * links) and unsubscribes. Each first puts an inbound EMAIL activity on the lead's timeline and
 * moves the recipient forward; repeats change nothing. The routes (src/platform/http/tracking.ts,
 * unsubscribe.ts) verify the token and enter its organization.
 */
export class EngagementService {
  constructor(private readonly scope: ServiceScope) {}

  recipient(recipientId: string): Promise<CampaignRecipient | null> {
    return this.scope.em.findOne(CampaignRecipient, { id: recipientId }, { disableIdentityMap: true });
  }

  /**
   * The first open moves the recipient to OPENED, the first click to CLICKED (a click also counts as
   * an open); conditional updates decide "first", so two hits at once record one activity.
   */
  async track(recipientId: string, what: 'open' | 'click', url: string | null): Promise<void> {
    const { em } = this.scope;
    const recipient = await this.recipient(recipientId);
    if (!recipient?.sentAt) return;
    const now = new Date();
    const firstOpen =
      (await em.nativeUpdate(CampaignRecipient, { id: recipient.id, openedAt: null }, { openedAt: now })) === 1;
    const first =
      what === 'open'
        ? firstOpen
        : (await em.nativeUpdate(CampaignRecipient, { id: recipient.id, clickedAt: null }, { clickedAt: now })) === 1;
    const to = what === 'open' ? RecipientStatus.OPENED : RecipientStatus.CLICKED;
    const moved = await new RecipientTransitions(em).advance(recipient.id, to);
    if (first)
      await em.insert(Activity, {
        id: crypto.randomUUID(),
        organizationId: recipient.organizationId,
        leadId: recipient.leadId,
        type: ActivityType.EMAIL,
        direction: Direction.INBOUND,
        outcome: what === 'open' ? 'OPENED' : 'CLICKED',
        body: what === 'open' ? 'Opened the campaign email' : `Followed ${url}`,
        occurredAt: now,
        createdAt: now,
        updatedAt: now,
      });
    if (moved || first) this.announce(recipient);
  }

  /**
   * The unsubscribe link: an OPTED_OUT consent entry for the address (source EMAIL_UNSUBSCRIBE), the
   * recipient marked (unsubscribedAt, status OPTED_OUT) and an inbound EMAIL activity on the lead.
   * Only the first request records anything.
   */
  async unsubscribe(recipient: CampaignRecipient): Promise<void> {
    await this.scope.em.transactional(async (em) => {
      const now = new Date();
      const first = await em.nativeUpdate(
        CampaignRecipient,
        { id: recipient.id, unsubscribedAt: null },
        { unsubscribedAt: now },
      );
      if (first !== 1) return;
      await new RecipientTransitions(em).advance(recipient.id, RecipientStatus.OPTED_OUT);
      em.create(ConsentRecord, {
        channel: MessageChannel.EMAIL,
        contactPoint: recipient.toAddress!,
        status: ConsentStatus.OPTED_OUT,
        source: 'EMAIL_UNSUBSCRIBE',
        evidence: `Unsubscribe link of campaign ${recipient.campaignId}`,
        recordedAt: now,
      });
      em.create(Activity, {
        leadId: recipient.leadId,
        type: ActivityType.EMAIL,
        direction: Direction.INBOUND,
        outcome: 'UNSUBSCRIBED',
        body: 'Unsubscribed through the email link',
        occurredAt: now,
      });
    });
  }

  private announce(recipient: CampaignRecipient): void {
    const { organizationId, campaignId } = recipient;
    this.scope.deps.pubsub.publish(Topics.CAMPAIGNS, organizationId, { organizationId, campaignId });
  }
}
