import type express from 'express';
import { escapeHtml } from '../mail/html.js';
import { readUnsubscribeToken } from '../../domains/outreach/unsubscribe.js';
import type { AppDeps } from '../deps.js';
import { inOrganization } from '../tenancy/enter.js';

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" ` +
  (`content="width=device-width"><meta name="robots" content="noindex"><title>${title}</title></head><body ` +
    `style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem">${body}</body></html>`);

/**
 * /u/:token — the unsubscribe link of campaign emails. GET shows a confirmation form (link
 * scanners follow GETs, so a GET never unsubscribes); POST — the form, or a mail client's RFC 8058
 * one-click request — unsubscribes (EngagementService.unsubscribe: consent entry, recipient
 * marked, timeline entry). Repeating it changes nothing more. A bad or tampered token is a 404 that says nothing about
 * why.
 */
export function unsubscribeRoutes(deps: AppDeps): { get: express.RequestHandler; post: express.RequestHandler } {
  const notFound = (res: express.Response) =>
    res.status(404).type('html').send(page('Link not valid', '<h1>This link is not valid</h1>'));
  const recipientFor = async (token: string) => {
    const ids = readUnsubscribeToken(deps.config.jwtSecret, token);
    if (!ids) return null;
    return {
      ids,
      recipient: await inOrganization(deps, ids.organizationId, (s) => s.engagement.recipient(ids.recipientId)),
    };
  };
  return {
    get: (req, res, next) => {
      void (async () => {
        const found = await recipientFor(String(req.params.token ?? ''));
        if (!found?.recipient?.toAddress) return notFound(res);
        res.setHeader('cache-control', 'no-store');
        if (found.recipient.unsubscribedAt) return unsubscribed(res, found.recipient.toAddress);
        const address = escapeHtml(found.recipient.toAddress);
        res
          .type('html')
          .send(
            page(
              'Unsubscribe',
              `<h1>Unsubscribe</h1><p>Stop emails to ${address}?</p>` +
                '<form method="post"><button type="submit">Unsubscribe</button></form>',
            ),
          );
      })().catch(next);
    },
    post: (req, res, next) => {
      void (async () => {
        const found = await recipientFor(String(req.params.token ?? ''));
        if (!found?.recipient?.toAddress) return notFound(res);
        const { recipient } = found;
        await inOrganization(deps, found.ids.organizationId, (s) => s.engagement.unsubscribe(recipient));
        res.setHeader('cache-control', 'no-store');
        unsubscribed(res, recipient.toAddress!);
      })().catch(next);
    },
  };
}

function unsubscribed(res: express.Response, address: string): void {
  res
    .type('html')
    .send(
      page(
        'Unsubscribed',
        `<h1>You are unsubscribed</h1><p>${escapeHtml(address)} will not get these emails again.</p>`,
      ),
    );
}
