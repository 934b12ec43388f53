import type express from 'express';
import { CampaignRecipient } from '../../../entities/index.js';
import {
  ActivityType,
  ConsentStatus,
  Direction,
  MessageChannel,
  RecipientStatus,
  statusesBefore,
} from '../../../entities/enums.js';
import { Activity, ConsentRecord } from '../../../entities/index.js';
import { escapeHtml } from '../mail/html.js';
import { readUnsubscribeToken } from '../../domains/outreach/unsubscribe.js';
import type { AppDeps } from '../../domains/scope.js';
import { forkForTenant, runAsTenant } from '../tenancy/tenant-em.js';

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><meta name="robots" content="noindex"><title>${title}</title></head><body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem">${body}</body></html>`;

/**
 * /u/:token — the unsubscribe link of campaign emails. GET shows a confirmation form (link
 * scanners follow GETs, so a GET never unsubscribes); POST — the form, or a mail client's RFC 8058
 * one-click request — records an OPTED_OUT consent entry for the address (source
 * EMAIL_UNSUBSCRIBE), marks the recipient (unsubscribedAt, status OPTED_OUT) and adds an inbound EMAIL activity to the lead. Repeating
 * it changes nothing more. A bad or tampered token is a 404 that says nothing about why.
 */
export function unsubscribeRoutes(deps: AppDeps): { get: express.RequestHandler; post: express.RequestHandler } {
  const notFound = (res: express.Response) =>
    res.status(404).type('html').send(page('Link not valid', '<h1>This link is not valid</h1>'));
  const recipientFor = async (token: string) => {
    const ids = readUnsubscribeToken(deps.config.jwtSecret, token);
    if (!ids) return null;
    return {
      ids,
      recipient: await runAsTenant(ids.organizationId, () =>
        forkForTenant(deps.orm, ids.organizationId).findOne(CampaignRecipient, { id: ids.recipientId }),
      ),
    };
  };
  return {
    get: (req, res, next) => {
      void (async () => {
        const found = await recipientFor(String(req.params.token ?? ''));
        if (!found?.recipient?.toAddress) return notFound(res);
        res.setHeader('cache-control', 'no-store');
        if (found.recipient.unsubscribedAt)
          return res
            .type('html')
            .send(
              page(
                'Unsubscribed',
                `<h1>You are unsubscribed</h1><p>${escapeHtml(found.recipient.toAddress)} will not get these emails again.</p>`,
              ),
            );
        res
          .type('html')
          .send(
            page(
              'Unsubscribe',
              `<h1>Unsubscribe</h1><p>Stop emails to ${escapeHtml(found.recipient.toAddress)}?</p><form method="post"><button type="submit">Unsubscribe</button></form>`,
            ),
          );
      })().catch(next);
    },
    post: (req, res, next) => {
      void (async () => {
        const found = await recipientFor(String(req.params.token ?? ''));
        if (!found?.recipient?.toAddress) return notFound(res);
        const { organizationId } = found.ids;
        await runAsTenant(organizationId, () =>
          forkForTenant(deps.orm, organizationId).transactional(async (em) => {
            const now = new Date();
            // Only the first request records anything.
            const first = await em.nativeUpdate(
              CampaignRecipient,
              { id: found.recipient!.id, unsubscribedAt: null },
              { unsubscribedAt: now },
            );
            if (first !== 1) return;
            await em.nativeUpdate(
              CampaignRecipient,
              { id: found.recipient!.id, status: { $in: statusesBefore(RecipientStatus.OPTED_OUT) } },
              { status: RecipientStatus.OPTED_OUT },
            );
            em.create(ConsentRecord, {
              organizationId,
              channel: MessageChannel.EMAIL,
              contactPoint: found.recipient!.toAddress!,
              status: ConsentStatus.OPTED_OUT,
              source: 'EMAIL_UNSUBSCRIBE',
              evidence: `Unsubscribe link of campaign ${found.recipient!.campaignId}`,
              recordedAt: now,
            });
            em.create(Activity, {
              organizationId,
              leadId: found.recipient!.leadId,
              type: ActivityType.EMAIL,
              direction: Direction.INBOUND,
              outcome: 'UNSUBSCRIBED',
              body: 'Unsubscribed through the email link',
              occurredAt: now,
            });
          }),
        );
        res.setHeader('cache-control', 'no-store');
        res
          .type('html')
          .send(
            page(
              'Unsubscribed',
              `<h1>You are unsubscribed</h1><p>${escapeHtml(found.recipient.toAddress)} will not get these emails again.</p>`,
            ),
          );
      })().catch(next);
    },
  };
}
