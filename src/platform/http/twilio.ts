import { sendHttpError } from './errors.js';
import express from 'express';
import { forkAnonymous } from '../tenancy/tenant-em.js';
import { recordInboundSms, recordSmsStatus } from '../providers/sms/events.js';
import { validTwilioSignature, type SmsDeliveryStatus } from '../providers/sms/index.js';
import type { AppDeps } from '../deps.js';
import * as v from '../validate.js';
import { isUuid } from '../validate.js';

const STATUSES = new Set<SmsDeliveryStatus>(['queued', 'sent', 'delivered', 'undelivered', 'failed']);

/**
 * Twilio's webhooks, answered when TWILIO_AUTH_TOKEN is set (404 otherwise):
 *   POST /webhooks/twilio/sms     — an inbound SMS (configure it as the number's "A message comes in"
 *                                   URL); the organization is the one whose smsNumber is `To`.
 *   POST /webhooks/twilio/status  — delivery reports; the send names the organization in `?org=`.
 * Every request must carry a valid X-Twilio-Signature over PUBLIC_URL + path + query and the form
 * parameters, or it gets 403 and changes nothing. Answers are empty TwiML (no auto-reply: Twilio's
 * Advanced Opt-Out sends the STOP/START confirmations).
 */
export function twilioRoutes(deps: AppDeps): express.Router {
  const router = express.Router();
  const token = deps.config.sms.twilioAuthToken;
  router.use(express.urlencoded({ extended: false, limit: '64kb' }));
  router.use((req, res, next) => {
    if (!token) return sendHttpError(res, 404, 'NOT_FOUND', 'Twilio webhooks are not configured (TWILIO_AUTH_TOKEN)');
    const base = deps.config.publicUrl;
    const params = Object.fromEntries(
      Object.entries((req.body ?? {}) as Record<string, unknown>).map(([k, val]) => [k, String(val)]),
    );
    if (
      !validTwilioSignature(
        token,
        req.get('x-twilio-signature'),
        `${base.replace(/\/$/, '')}${req.originalUrl}`,
        params,
      )
    ) {
      deps.log.warn({ path: req.path }, 'twilio webhook with a bad signature refused');
      return sendHttpError(res, 403, 'FORBIDDEN', 'Invalid signature');
    }
    res.locals.twilio = params;
    next();
  });
  const twiml = (res: express.Response) =>
    res.type('text/xml').send('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');

  router.post('/sms', (req, res, next) => {
    void (async () => {
      const p = res.locals.twilio as Record<string, string>;
      if (!p.MessageSid || !p.From || !p.To)
        return sendHttpError(res, 400, 'BAD_REQUEST', 'MessageSid, From and To are required');
      let to: string;
      try {
        to = v.phone(p.To, 'To');
      } catch {
        return twiml(res);
      }
      const rows = await forkAnonymous(deps.orm)
        .getConnection()
        .execute<{ org: string | null }[]>('select sms_number_org(?) as org', [to]);
      const organizationId = rows[0]?.org;
      if (!organizationId) {
        deps.log.warn({ to }, 'inbound SMS to a number no organization uses; ignored');
        return twiml(res);
      }
      await recordInboundSms(deps, {
        organizationId,
        providerMessageId: p.MessageSid,
        from: p.From,
        to,
        body: p.Body ?? '',
      });
      twiml(res);
    })().catch(next);
  });

  router.post('/status', (req, res, next) => {
    void (async () => {
      const p = res.locals.twilio as Record<string, string>;
      const org = String(req.query.org ?? '');
      const status = (p.MessageStatus ?? p.SmsStatus) as SmsDeliveryStatus;
      if (!isUuid(org) || !p.MessageSid || !STATUSES.has(status))
        return sendHttpError(res, 400, 'BAD_REQUEST', 'org, MessageSid and a known MessageStatus are required');
      await recordSmsStatus(deps, {
        organizationId: org,
        providerMessageId: p.MessageSid,
        status,
        errorCode: p.ErrorCode || null,
      });
      res.status(204).end();
    })().catch(next);
  });
  return router;
}
