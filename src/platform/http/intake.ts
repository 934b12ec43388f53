import express from 'express';
import type { Redis } from '../redis.js';
import { Role } from '../../../entities/enums.js';
import type { AppDeps } from '../deps.js';
import { AppError } from '../errors/index.js';
import { recentRequests } from '../limits/sliding-window.js';
import { inOrganization } from '../tenancy/enter.js';
import { forkAnonymous } from '../tenancy/tenant-em.js';
import { HONEYPOT_FIELD } from '../../domains/intake/fields.js';
import { sendHttpError } from './errors.js';

/** The intake_forms row, as the database has it. */
type FormRow = Record<string, unknown> & {
  id: string;
  organization_id: string;
  enabled: boolean;
  created_by_id: string;
};

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{1,255}$/;
const IDEMPOTENCY_TTL_S = 24 * 3600;

/**
 * `POST /intake/<formKey>`: a website form, an ad platform's lead form or Zapier sends a lead (JSON
 * or form-encoded, at most 64 KB). Unknown or disabled form: 404. Rate limited per form and client
 * address and per form (429). A filled honeypot (`_honeypot`) is answered like a success and
 * changes nothing. `Idempotency-Key` replays the first answer for 24 hours. Answers 201
 * `{ leadId, created }` (200 when an existing lead was updated), or 303 to the form's redirect URL
 * for a plain HTML form. The business rules are IntakeService.submit's; CORS is open (no cookies).
 */
export function intakeRoutes(deps: AppDeps, redis: Redis): express.Router {
  const router = express.Router();
  const prefix = deps.config.redisPrefix;
  router.use((req, res, next) => {
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', 'content-type, idempotency-key');
    res.setHeader('access-control-allow-methods', 'POST, OPTIONS');
    if (req.method === 'OPTIONS') return void res.status(204).end();
    next();
  });
  router.use(express.json({ limit: '64kb' }), express.urlencoded({ extended: false, limit: '64kb' }));
  router.post('/:formKey', (req, res, next) => {
    void (async () => {
      const form = await findForm(deps, req.params.formKey!);
      if (!form?.enabled) return sendHttpError(res, 404, 'NOT_FOUND', 'No such intake form');
      const { perIpPerMinute, perFormPerMinute } = deps.config.intake;
      const [byIp, byForm] = await recentRequests(redis, [
        `${prefix}:intake:${form.id}:${req.ip}`,
        `${prefix}:intake:${form.id}`,
      ]);
      if (byIp! > perIpPerMinute || byForm! > perFormPerMinute) {
        // Refused either way; a form disabled since it was cached is a 404, not a 429.
        if (!(await findForm(deps, req.params.formKey!, true))?.enabled)
          return sendHttpError(res, 404, 'NOT_FOUND', 'No such intake form');
        res.setHeader('retry-after', '60');
        return sendHttpError(res, 429, 'RATE_LIMITED', 'Too many submissions; try again in a minute');
      }
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (typeof body !== 'object' || Array.isArray(body))
        return sendHttpError(res, 400, 'BAD_USER_INPUT', 'The body must be a JSON object or a form');
      const htmlForm = req.is('application/x-www-form-urlencoded') !== false;
      if (typeof body[HONEYPOT_FIELD] === 'string' && body[HONEYPOT_FIELD].trim() !== '')
        return void res.status(201).json({ received: true });
      const key = req.header('idempotency-key');
      if (key !== undefined && !IDEMPOTENCY_KEY.test(key))
        return sendHttpError(
          res,
          400,
          'BAD_REQUEST',
          'Idempotency-Key must be 1-255 characters of letters, digits, _ . : -',
        );
      const idemKey = key && `${prefix}:intake-idem:${form.id}:${key}`;
      if (idemKey) {
        const claimed = await redis.set(idemKey, 'pending', 'EX', IDEMPOTENCY_TTL_S, 'NX');
        if (!claimed) {
          const stored = await redis.get(idemKey);
          if (stored === 'pending')
            return sendHttpError(res, 409, 'IN_PROGRESS', 'A submission with this Idempotency-Key is in progress');
          const { status, json } = JSON.parse(stored!) as { status: number; json: unknown };
          res.setHeader('idempotency-replayed', 'true');
          return void res.status(status).json(json);
        }
      }
      try {
        const actor = { id: form.created_by_id, organizationId: form.organization_id, role: Role.ADMIN };
        const result = await inOrganization(
          deps,
          form.organization_id,
          (s) => s.intake.submit(form, body, { ip: req.ip ?? 'unknown', userAgent: req.header('user-agent') ?? null }),
          actor,
        );
        const status = result.created ? 201 : 200;
        const json = { received: true, leadId: result.leadId, created: result.created };
        if (idemKey) await redis.set(idemKey, JSON.stringify({ status, json }), 'EX', IDEMPOTENCY_TTL_S);
        if (htmlForm && result.redirectUrl) return res.redirect(303, result.redirectUrl);
        res.status(status).json(json);
      } catch (err) {
        if (idemKey) await redis.del(idemKey);
        if (!(err instanceof AppError)) throw err;
        const status = err.code === 'BAD_USER_INPUT' ? 400 : err.code === 'NOT_FOUND' ? 404 : 422;
        sendHttpError(res, status, err.code, err.message, err.extensions);
      }
    })().catch(next);
  });
  return router;
}

/**
 * The form a public key names (security definer: no tenant scope exists yet), trusted for 5 s per
 * process; whether it is still enabled is checked again where the submission is written.
 */
const forms = new Map<string, { at: number; row: Promise<FormRow | undefined> }>();
function findForm(deps: AppDeps, formKey: string, fresh = false): Promise<FormRow | undefined> {
  if (formKey.length > 100) return Promise.resolve(undefined);
  const hit = forms.get(formKey);
  if (hit && !fresh && Date.now() - hit.at < 5_000) return hit.row;
  if (forms.size > 10_000) forms.clear();
  const row = forkAnonymous(deps.orm)
    .getConnection()
    .execute<FormRow[]>('select * from intake_form_by_key(?)', [formKey])
    .then((r) => r[0]);
  forms.set(formKey, { at: Date.now(), row });
  row.catch(() => forms.delete(formKey));
  return row;
}
