import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Unsubscribe tokens for campaign emails: opaque, unguessable and stateless — the organization and
 * recipient ids plus an HMAC over both (key derived from JWT_SECRET), base64url.
 */
function key(secret: string): Buffer {
  return createHmac('sha256', secret).update('reos:unsubscribe:v1').digest();
}

const uuidBytes = (id: string) => Buffer.from(id.replace(/-/g, ''), 'hex');
const uuidOf = (b: Buffer) => {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

export function unsubscribeToken(secret: string, organizationId: string, recipientId: string): string {
  const ids = Buffer.concat([uuidBytes(organizationId), uuidBytes(recipientId)]);
  const sig = createHmac('sha256', key(secret)).update(ids).digest().subarray(0, 16);
  return Buffer.concat([ids, sig]).toString('base64url');
}

/** The ids a token names, or null when it is malformed or its signature does not match. */
export function readUnsubscribeToken(secret: string, token: string): { organizationId: string; recipientId: string } | null {
  if (!/^[A-Za-z0-9_-]{64}$/.test(token)) return null;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== 48) return null;
  const ids = raw.subarray(0, 32);
  const expected = createHmac('sha256', key(secret)).update(ids).digest().subarray(0, 16);
  if (!timingSafeEqual(expected, raw.subarray(32))) return null;
  return { organizationId: uuidOf(ids.subarray(0, 16)), recipientId: uuidOf(ids.subarray(16)) };
}
