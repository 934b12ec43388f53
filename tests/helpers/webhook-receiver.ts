import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll } from 'vitest';

export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  json: { type: string; timestamp: string; data: Record<string, unknown> };
  at: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Answers the next requests with these statuses (then 200). */
  respondWith(...statuses: number[]): void;
  /** Answers every request with a redirect to `location`. */
  redirectTo(location: string | null): void;
  close(): Promise<void>;
}

/** A real HTTP server on loopback that records every webhook it is sent. Closed after the file. */
export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const queue: number[] = [];
  let redirect: string | null = null;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, body, json: JSON.parse(body), at: Date.now() });
      if (redirect) return void res.writeHead(302, { location: redirect }).end();
      const status = queue.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : `failing with ${status}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  afterAll(close);
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    respondWith: (...statuses) => queue.push(...statuses),
    redirectTo: (location) => (redirect = location),
    close,
  };
}
