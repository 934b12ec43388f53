import { sendHttpError } from './errors.js';
import type express from 'express';
import { readClickToken, readRecipient, type TrackedIds } from '../../domains/outreach/tracking.js';
import type { AppDeps } from '../deps.js';
import { inOrganization } from '../tenancy/enter.js';

const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/**
 * /t/o/:token — the open pixel: always a 1×1 GIF (a bad token records nothing and says nothing).
 * /t/c/:token — a tracked link: 302 to the URL the email linked (signed into the token), 404 for
 * a bad token. What an open or a click records is EngagementService.track's.
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

function record(deps: AppDeps, ids: TrackedIds, what: 'open' | 'click', url: string | null): Promise<void> {
  return inOrganization(deps, ids.organizationId, (s) => s.engagement.track(ids.recipientId, what, url));
}
