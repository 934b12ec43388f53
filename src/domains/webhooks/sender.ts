import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { guardedLookup, isPrivateAddress, RefusedTargetError } from './targets.js';

/** What one try came to. */
export interface TryResult {
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  responseExcerpt: string | null;
}

const EXCERPT_CHARS = 1_024;
/** Read at most this much of a response; the rest is dropped with the connection. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * POSTs webhook bodies with keep-alive agents whose DNS lookup refuses private addresses (unless
 * allowed). A 2xx is success; anything else — a 3xx (redirects are not followed), 4xx, 5xx, a
 * timeout, a refused connection or a refused target — is a failed try.
 */
export class WebhookSender {
  private readonly agents: { http: http.Agent; https: https.Agent };

  constructor(private readonly options: { allowPrivate: () => boolean; timeoutMs: number; userAgent?: string }) {
    const lookup = guardedLookup(options.allowPrivate);
    const common = { keepAlive: true, maxSockets: 64, lookup };
    this.agents = { http: new http.Agent(common), https: new https.Agent(common) };
  }

  post(url: string, body: string, headers: Record<string, string>): Promise<TryResult> {
    const started = performance.now();
    const done = (r: Omit<TryResult, 'latencyMs'>): TryResult => ({
      ...r,
      latencyMs: Math.round(performance.now() - started),
    });
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return Promise.resolve(done(failure('Invalid URL')));
    }
    const host = target.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) && isPrivateAddress(host) && !this.options.allowPrivate())
      return Promise.resolve(done(failure(`Refused target: ${host} is private`)));
    return new Promise<TryResult>((resolve) => {
      let settled = false;
      const finish = (r: Omit<TryResult, 'latencyMs'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(done(r));
      };
      const req = this.request(target, body, headers, (res) => readResponse(res, finish));
      const timer = setTimeout(() => {
        finish(failure(`Timed out after ${this.options.timeoutMs} ms`));
        req.destroy();
      }, this.options.timeoutMs);
      req.on('error', (err: Error) =>
        finish(
          failure(
            err instanceof RefusedTargetError ? `Refused target: ${err.message}` : `Request failed: ${err.message}`,
          ),
        ),
      );
      req.end(body);
    });
  }

  private request(
    target: URL,
    body: string,
    headers: Record<string, string>,
    onResponse: (r: http.IncomingMessage) => void,
  ) {
    const secure = target.protocol === 'https:';
    return (secure ? https : http).request(
      target,
      {
        method: 'POST',
        agent: secure ? this.agents.https : this.agents.http,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': this.options.userAgent ?? 'RealEstateOS-Webhooks/1',
          ...headers,
        },
      },
      onResponse,
    );
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

function failure(error: string): Omit<TryResult, 'latencyMs'> {
  return { ok: false, statusCode: null, error, responseExcerpt: null };
}

/** Reads at most MAX_RESPONSE_BYTES of a response and judges it: 2xx is success, a 3xx is a redirect not followed. */
function readResponse(res: http.IncomingMessage, finish: (r: Omit<TryResult, 'latencyMs'>) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  const end = () => {
    const text = Buffer.concat(chunks).toString('utf8').slice(0, EXCERPT_CHARS);
    const code = res.statusCode ?? 0;
    const ok = code >= 200 && code < 300;
    const error = ok
      ? null
      : code >= 300 && code < 400
        ? `Redirect not followed (${code} to ${res.headers.location ?? 'nowhere'})`
        : `HTTP ${code}`;
    finish({ ok, statusCode: code, error, responseExcerpt: text || null });
  };
  res.on('data', (c: Buffer) => {
    if (size < MAX_RESPONSE_BYTES) chunks.push(c);
    size += c.length;
    if (size >= MAX_RESPONSE_BYTES) {
      end();
      res.destroy();
    }
  });
  res.on('end', end);
  res.on('error', end);
}
