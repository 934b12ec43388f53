import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): a secret is `whsec_` + base64 of
 * random bytes; a signature is `v1,` + base64(HMAC-SHA256(secret bytes, `${id}.${timestamp}.${body}`)),
 * several separated by spaces while a rotated secret still signs. Checked against the
 * `standardwebhooks` package in tests/unit/webhook-signing.test.ts.
 */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export function signPayload(secret: string, msgId: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${msgId}.${timestamp}.${body}`).digest('base64')}`;
}

/** The three Standard Webhooks headers for one try (the timestamp is the try's, the id the event's). */
export function webhookHeaders(secrets: string[], msgId: string, body: string, now = Date.now()) {
  const timestamp = Math.floor(now / 1000);
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((s) => signPayload(s, msgId, timestamp, body)).join(' '),
  };
}

/**
 * Signing secrets at rest: AES-256-GCM under a key derived from JWT_SECRET, so a copy of the
 * database alone cannot sign as us. `v1:` iv : tag : ciphertext, base64.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(masterSecret: string) {
    this.key = createHash('sha256').update(`reos-webhook-secrets:${masterSecret}`).digest();
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), data]
      .map((x) => (typeof x === 'string' ? x : x.toString('base64')))
      .join(':');
  }

  /** Opened secrets of this process (a delivery opens its endpoint's on every try). */
  private readonly opened = new Map<string, string>();

  open(sealed: string): string {
    const known = this.opened.get(sealed);
    if (known) return known;
    const plain = this.decrypt(sealed);
    if (this.opened.size >= 1_000) this.opened.clear();
    this.opened.set(sealed, plain);
    return plain;
  }

  /** The secret, or null when it was sealed under another key (JWT_SECRET changed) or is damaged. */
  tryOpen(sealed: string): string | null {
    try {
      return this.open(sealed);
    } catch {
      return null;
    }
  }

  private decrypt(sealed: string): string {
    const [, iv, tag, data] = sealed.split(':');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv!, 'base64'));
    decipher.setAuthTag(Buffer.from(tag!, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(data!, 'base64')), decipher.final()]).toString('utf8');
  }
}
