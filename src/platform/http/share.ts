import { sendHttpError } from './errors.js';
import type express from 'express';
import { hashToken } from '../auth/tokens.js';
import type { Redis } from '../redis.js';
import type { AppDeps } from '../deps.js';
import { inOrganization } from '../tenancy/enter.js';
import { forkAnonymous } from '../tenancy/tenant-em.js';
import { recentRequests } from '../limits/sliding-window.js';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const PER_MINUTE = 60;

/**
 * GET /share/:token — the public memo link. Rate limited per client IP (60 a minute, sliding, in
 * Redis, shared by all processes); an unknown, revoked or expired token is the same 404; every view is counted.
 */
export function shareRoute(deps: AppDeps, redis: Redis): express.RequestHandler {
  const notFound = (res: express.Response) => sendHttpError(res, 404, 'NOT_FOUND', 'This link is not valid');
  return (req, res, next) => {
    void (async () => {
      if ((await recentRequests(redis, `${deps.config.redisPrefix}:share:${req.ip}`)) > PER_MINUTE) {
        const retryAfter = 60 - Math.floor((Date.now() / 1000) % 60);
        res.setHeader('retry-after', String(retryAfter));
        return res.status(429).json({
          errors: [{ message: 'Too many requests for shared links', extensions: { code: 'RATE_LIMITED', retryAfter } }],
        });
      }
      const token = String(req.params.token ?? '');
      if (!TOKEN.test(token)) return notFound(res);
      const hash = hashToken(token);
      const rows = await forkAnonymous(deps.orm)
        .getConnection()
        .execute<{ org: string | null }[]>('select share_link_org(?) as org', [hash]);
      const org = rows[0]?.org;
      if (!org) return notFound(res);
      const memo = await inOrganization(deps, org, (s) => s.memos.openShared(hash));
      if (!memo) return notFound(res);
      const body = await deps.storage.get(memo.storageKey!);
      res.status(200);
      res.setHeader('content-type', 'application/pdf');
      res.setHeader('content-disposition', 'inline; filename="investment-memo.pdf"');
      res.setHeader('cache-control', 'private, no-store');
      res.setHeader('x-robots-tag', 'noindex');
      body.pipe(res);
    })().catch(next);
  };
}
