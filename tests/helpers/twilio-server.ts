import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TwilioMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
  dateCreated: Date;
}

/**
 * A Twilio-compatible Messages API on loopback, for the real HTTP adapter (TwilioSmsProvider):
 * POST creates a message (after `delayMs`, like a gateway under load), GET lists them filtered by
 * To and From. `messages` is what it accepted, in order — the count the tests check. `hold()`
 * keeps the answers to every POST from then on until `release()`: the messages are accepted, the
 * sender does not know yet (a crash test kills it then).
 */
export async function startTwilioServer(delayMs = 0) {
  const messages: TwilioMessage[] = [];
  let n = 0;
  let held: { promise: Promise<void>; release: () => void } | null = null;
  const server = createServer(async (req, res) => {
    const url = new URL(req.url!, 'http://x');
    if (!/^\/2010-04-01\/Accounts\/[^/]+\/Messages\.json$/.test(url.pathname)) {
      res.writeHead(404).end();
      return;
    }
    if (req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      const sid = `SM${createHash('sha256').update(`${++n}:${Math.random()}`).digest('hex').slice(0, 32)}`;
      const message = {
        sid,
        to: form.get('To')!,
        from: form.get('From')!,
        body: form.get('Body')!,
        dateCreated: new Date(),
      };
      messages.push(message);
      if (held) await held.promise;
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ sid, status: 'queued' }));
      return;
    }
    const to = url.searchParams.get('To');
    const from = url.searchParams.get('From');
    const list = messages
      .filter((m) => (!to || m.to === to) && (!from || m.from === from))
      .reverse()
      .map((m) => ({ sid: m.sid, to: m.to, from: m.from, body: m.body, date_created: m.dateCreated.toUTCString() }));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ messages: list }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    hold() {
      let release!: () => void;
      const promise = new Promise<void>((r) => (release = r));
      held = { promise, release };
    },
    release() {
      held?.release();
      held = null;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}
