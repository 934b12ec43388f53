import nodemailer, { type Transporter } from 'nodemailer';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
  /** A stable Message-ID, so a resend after a crash is recognizable as the same message. */
  messageId?: string;
}

/** A 5xx reply: the server refused this message for good (bad mailbox, policy); retrying will not help. */
export function isPermanentSmtpFailure(err: unknown): boolean {
  const code = (err as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** Email out over real SMTP (SMTP_URL) through nodemailer, one pooled connection set per process. */
export class Mailer {
  private readonly transport: Transporter;

  constructor(smtpUrl: string) {
    this.transport = nodemailer.createTransport(
      `${smtpUrl}${smtpUrl.includes('?') ? '&' : '?'}pool=true&maxConnections=5`,
    );
  }

  /** Resolves with the SMTP message id once the server accepted the message. */
  async send(mail: OutgoingMail): Promise<string> {
    const info = await this.transport.sendMail(mail);
    return info.messageId;
  }

  close(): void {
    this.transport.close();
  }
}
