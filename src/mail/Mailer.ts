import nodemailer, { type Transporter } from 'nodemailer';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
}

/** Email out over real SMTP (SMTP_URL) through nodemailer, one pooled connection set per process. */
export class Mailer {
  private readonly transport: Transporter;

  constructor(smtpUrl: string) {
    this.transport = nodemailer.createTransport(`${smtpUrl}${smtpUrl.includes('?') ? '&' : '?'}pool=true&maxConnections=5`);
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
