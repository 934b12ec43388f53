import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Tracking tokens for campaign emails: the open pixel (`/t/o/<token>`) and tracked links
 * (`/t/c/<token>`). Stateless and signed like unsubscribe tokens — organization and recipient ids
 * (and, for a link, its URL) plus an HMAC keyed per purpose from JWT_SECRET — so the redirect can
 * only go where the email's author linked (never an open redirect) and nobody can record an open
 * or a click for a recipient they were not sent.
 */
const key = (secret: string, purpose: string) => createHmac('sha256', secret).update(`reos:${purpose}:v1`).digest();
const uuidBytes = (id: string) => Buffer.from(id.replace(/-/g, ''), 'hex');
const uuidOf = (b: Buffer) => {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

function sign(secret: string, purpose: string, payload: Buffer): string {
  const sig = createHmac('sha256', key(secret, purpose)).update(payload).digest().subarray(0, 16);
  return Buffer.concat([payload, sig]).toString('base64url');
}

function verify(secret: string, purpose: string, token: string): Buffer | null {
  if (!/^[A-Za-z0-9_-]{64,4000}$/.test(token)) return null;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length < 48) return null;
  const payload = raw.subarray(0, raw.length - 16);
  const expected = createHmac('sha256', key(secret, purpose)).update(payload).digest().subarray(0, 16);
  return timingSafeEqual(expected, raw.subarray(raw.length - 16)) ? payload : null;
}

export interface TrackedIds {
  organizationId: string;
  recipientId: string;
}

const idsPayload = (organizationId: string, recipientId: string) =>
  Buffer.concat([uuidBytes(organizationId), uuidBytes(recipientId)]);
const idsOf = (payload: Buffer): TrackedIds => ({
  organizationId: uuidOf(payload.subarray(0, 16)),
  recipientId: uuidOf(payload.subarray(16, 32)),
});

export function signRecipient(
  secret: string,
  purpose: 'unsubscribe' | 'open',
  organizationId: string,
  recipientId: string,
): string {
  return sign(secret, purpose, idsPayload(organizationId, recipientId));
}

export function readRecipient(secret: string, purpose: 'unsubscribe' | 'open', token: string): TrackedIds | null {
  const payload = verify(secret, purpose, token);
  return payload?.length === 32 ? idsOf(payload) : null;
}

export function clickToken(secret: string, organizationId: string, recipientId: string, url: string): string {
  return sign(secret, 'click', Buffer.concat([idsPayload(organizationId, recipientId), Buffer.from(url, 'utf8')]));
}

export function readClickToken(secret: string, token: string): (TrackedIds & { url: string }) | null {
  const payload = verify(secret, 'click', token);
  if (!payload || payload.length <= 32) return null;
  const url = payload.subarray(32).toString('utf8');
  return /^https?:\/\//i.test(url) ? { ...idsOf(payload), url } : null;
}
