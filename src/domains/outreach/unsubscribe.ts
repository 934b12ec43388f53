import { readRecipient, signRecipient } from './tracking.js';

/**
 * Unsubscribe tokens for campaign emails: opaque, unguessable and stateless — the organization and
 * recipient ids plus an HMAC over both (key derived from JWT_SECRET), base64url.
 */
export function unsubscribeToken(secret: string, organizationId: string, recipientId: string): string {
  return signRecipient(secret, 'unsubscribe', organizationId, recipientId);
}

/** The ids a token names, or null when it is malformed or its signature does not match. */
export function readUnsubscribeToken(
  secret: string,
  token: string,
): { organizationId: string; recipientId: string } | null {
  return readRecipient(secret, 'unsubscribe', token);
}
