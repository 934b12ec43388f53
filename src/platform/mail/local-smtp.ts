import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  envelopeTo: string[];
  parsed: ParsedMail;
}

/**
 * A real SMTP server on loopback (smtp-server) for the local default and the tests: it accepts
 * what nodemailer sends over SMTP and keeps the parsed messages in memory (newest last).
 */
export async function startLocalSmtp(
  /** Called with each message (development logs them: nothing is delivered anywhere). */
  onMail?: (mail: ReceivedMail) => void,
): Promise<{ url: string; received: ReceivedMail[]; close(): Promise<void> }> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const mail = { envelopeTo: session.envelope.rcptTo.map((r) => r.address), parsed };
          received.push(mail);
          onMail?.(mail);
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  // A client that drops its connection (a killed worker, a reset) is not the server's problem;
  // without a listener the 'error' event would take the whole process down.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
