import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A refusal for one recipient: the SMTP code and text the server answers RCPT TO with. */
export interface SmtpRefusal {
  code: number;
  message: string;
}

export interface ScriptedSmtp {
  url: string;
  /** Every RCPT TO address offered, refused or not, in order. */
  offered: string[];
  /** Every recipient of every accepted message, in order. */
  delivered: string[];
  close(): Promise<void>;
}

/**
 * A real SMTP server on loopback whose answer to each recipient comes from `answer` (asked on every
 * RCPT TO, so a test can change its mind: a 451 outage that ends, a 550 for one address).
 */
export async function startScriptedSmtp(answer: (address: string) => SmtpRefusal | null): Promise<ScriptedSmtp> {
  const offered: string[] = [];
  const delivered: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 200,
    onRcptTo(address, _session, callback) {
      offered.push(address.address);
      const refusal = answer(address.address);
      if (refusal) return callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
      callback();
    },
    onData(stream, session, callback) {
      stream.resume();
      stream.on('end', () => {
        delivered.push(...session.envelope.rcptTo.map((r) => r.address));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    offered,
    delivered,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
