import { describe, expect, it } from 'vitest';
import { startLocalSmtp } from '../../src/platform/mail/local-smtp.js';
import { Mailer } from '../../src/platform/mail/Mailer.js';

describe('email over real SMTP', () => {
  it('nodemailer delivers to the in-process SMTP server, headers and both bodies intact', async () => {
    const smtp = await startLocalSmtp();
    const mailer = new Mailer(smtp.url);
    try {
      const id = await mailer.send({
        from: 'Team <team@example.com>',
        to: 'pat@example.com',
        subject: 'About 12 Elm St',
        text: 'Hi Pat',
        html: '<p>Hi Pat</p>',
        headers: { 'List-Unsubscribe': '<https://example.com/u/abc>' },
      });
      expect(id).toMatch(/@/);
      const [mail] = smtp.received;
      expect(mail!.envelopeTo).toEqual(['pat@example.com']);
      expect(mail!.parsed.subject).toBe('About 12 Elm St');
      expect(mail!.parsed.text?.trim()).toBe('Hi Pat');
      expect(mail!.parsed.html).toContain('<p>Hi Pat</p>');
      // mailparser folds List-* headers into a structure; the raw line is what the recipient's client reads.
      expect(mail!.parsed.headerLines.find((l) => l.key === 'list-unsubscribe')?.line).toBe(
        'List-Unsubscribe: <https://example.com/u/abc>',
      );
    } finally {
      mailer.close();
      await smtp.close();
    }
  });
});
