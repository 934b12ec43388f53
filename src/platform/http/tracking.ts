import { sendHttpError } from './errors.js';
import type express from 'express';
import { Activity, CampaignRecipient } from '../../../entities/index.js';
import { ActivityType, Direction, RecipientStatus, statusesBefore } from '../../../entities/enums.js';
import { readClickToken, readRecipient, type TrackedIds } from '../../domains/outreach/tracking.js';
import { Topics } from '../pubsub.js';
import type { AppDeps } from '../../domains/scope.js';
import { forkForTenant, runAsTenant } from '../tenancy/tenant-em.js';

const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/**
 * /t/o/:token — the open pixel: always a 1×1 GIF (a bad token records nothing and says nothing).
 * /t/c/:token — a tracked link: 302 to the URL the email linked (signed into the token), 404 for
 * a bad token. The first open moves the recipient to OPENED, the first click to CLICKED (a click
 * also counts as an open); each first puts an inbound EMAIL activity on the lead's timeline and
 * updates campaignProgress. Repeats change nothing.
 */
export function trackingRoutes(deps: AppDeps): { open: express.RequestHandler; click: express.RequestHandler } {
  const secret = deps.config.jwtSecret;
  return {
    open: (req, res) => {
      const ids = readRecipient(secret, 'open', String(req.params.token ?? ''));
      res.setHeader('cache-control', 'no-store, private');
      res.type('image/gif').send(PIXEL);
      if (ids)
        void record(deps, ids, 'open', null).catch((err: Error) =>
          deps.log.warn({ err: err.message }, 'could not record an email open'),
        );
    },
    click: (req, res, next) => {
      const found = readClickToken(secret, String(req.params.token ?? ''));
      if (!found) return sendHttpError(res, 404, 'NOT_FOUND', 'This link is not valid');
      record(deps, found, 'click', found.url)
        .then(() => {
          res.setHeader('cache-control', 'no-store, private');
          res.redirect(302, found.url);
        })
        .catch(next);
    },
  };
}

async function record(deps: AppDeps, ids: TrackedIds, what: 'open' | 'click', url: string | null): Promise<void> {
  await runAsTenant(ids.organizationId, async () => {
    const em = forkForTenant(deps.orm, ids.organizationId);
    const recipient = await em.findOne(CampaignRecipient, { id: ids.recipientId }, { disableIdentityMap: true });
    if (!recipient?.sentAt) return;
    const now = new Date();
    const to = what === 'open' ? RecipientStatus.OPENED : RecipientStatus.CLICKED;
    // Conditional updates decide "first", so two hits at once record one activity.
    const firstOpen =
      (await em.nativeUpdate(CampaignRecipient, { id: recipient.id, openedAt: null }, { openedAt: now })) === 1;
    const first =
      what === 'open'
        ? firstOpen
        : (await em.nativeUpdate(CampaignRecipient, { id: recipient.id, clickedAt: null }, { clickedAt: now })) === 1;
    const moved = await em.nativeUpdate(
      CampaignRecipient,
      { id: recipient.id, status: { $in: statusesBefore(to) } },
      { status: to },
    );
    if (first) {
      await em.insert(Activity, {
        id: crypto.randomUUID(),
        organizationId: ids.organizationId,
        leadId: recipient.leadId,
        type: ActivityType.EMAIL,
        direction: Direction.INBOUND,
        outcome: what === 'open' ? 'OPENED' : 'CLICKED',
        body: what === 'open' ? 'Opened the campaign email' : `Followed ${url}`,
        occurredAt: now,
        createdAt: now,
        updatedAt: now,
      });
    }
    if (moved || first)
      deps.pubsub.publish(Topics.CAMPAIGNS, ids.organizationId, {
        organizationId: ids.organizationId,
        campaignId: recipient.campaignId,
      });
  });
}
