import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret, SecretBox, signPayload, webhookHeaders } from '../../src/domains/webhooks/signing.js';
import { isPrivateAddress } from '../../src/domains/webhooks/targets.js';

describe('Standard Webhooks signing', () => {
  it('signs exactly as the standardwebhooks package does, and it verifies our headers', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const body = JSON.stringify({ type: 'deal.moved', timestamp: '2026-12-06T00:00:00.000Z', data: { a: 1 } });
    const at = new Date();
    const lib = new Webhook(secret);
    expect(signPayload(secret, 'msg_1', Math.floor(at.getTime() / 1000), body)).toBe(lib.sign('msg_1', at, body));
    const headers = webhookHeaders([secret, newWebhookSecret()], 'msg_1', body);
    expect(lib.verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => lib.verify(body.replace('1', '2'), headers)).toThrow();
  });

  it('keeps secrets sealed at rest: a round trip works, a changed byte or another key does not', () => {
    const box = new SecretBox('x'.repeat(40));
    const sealed = box.seal('whsec_abc');
    expect(sealed).not.toContain('whsec_abc');
    expect(box.open(sealed)).toBe('whsec_abc');
    const parts = sealed.split(':');
    parts[3] = Buffer.from('whsec_abd').toString('base64');
    expect(() => box.open(parts.join(':'))).toThrow();
    expect(() => new SecretBox('y'.repeat(40)).open(sealed)).toThrow();
    expect(new SecretBox('y'.repeat(40)).tryOpen(sealed)).toBeNull();
    expect(box.tryOpen(sealed)).toBe('whsec_abc');
  });

  it('tells private targets from public ones', () => {
    for (const ip of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '::1',
      'fe80::1',
      'fd00::1',
    ])
      expect([ip, isPrivateAddress(ip)]).toEqual([ip, true]);
    expect(isPrivateAddress('::ffff:127.0.0.1')).toBe(true);
    for (const ip of ['93.184.215.14', '8.8.8.8', '2606:4700::1111'])
      expect([ip, isPrivateAddress(ip)]).toEqual([ip, false]);
  });
});
