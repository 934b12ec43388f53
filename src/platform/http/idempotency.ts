import { sendHttpError } from './errors.js';
import { REDIS_AWAY } from '../errors/format-error.js';
import { isConnectionError } from '../redis.js';
import type express from 'express';
import { OperationTypeNode, parse } from 'graphql';
import type { Redis } from '../redis.js';
import { selectOperation } from '../limits/query-limits.js';
import type { Logger } from '../observability/logger.js';
import { readRequest, sha256, type TrustedDocuments } from '../graphql/persisted.js';
import type { Authentication } from './authenticate.js';

const TTL_MS = 24 * 3600_000;
const KEY = /^[A-Za-z0-9_.:-]{1,255}$/;

interface Stored {
  state: 'pending' | 'done';
  fingerprint: string;
  status?: number;
  contentType?: string;
  body?: string; // base64, so the replay is byte for byte
}

/**
 * `Idempotency-Key` for mutations over HTTP. The first request with a key claims it (SET NX) and
 * runs; its response (status, content type, bytes) is stored for 24 hours. A repeat with the same
 * operation and variables gets that response again, byte for byte, with `Idempotency-Replayed:
 * true`; the same key with another payload is 422 IDEMPOTENCY_KEY_REUSED; a repeat that arrives
 * while the first is still running waits for it. Keys are scoped to the user (or the client IP
 * when anonymous).
 */
export function idempotency(
  redis: Redis,
  prefix: string,
  trusted: TrustedDocuments,
  log: Logger,
): express.RequestHandler {
  return (req, res, next) => {
    const key = req.header('idempotency-key');
    if (key === undefined || req.method !== 'POST') return next();
    if (!KEY.test(key))
      return sendHttpError(
        res,
        400,
        'BAD_REQUEST',
        'Idempotency-Key must be 1-255 characters of letters, digits, _ . : -',
      );
    const body = (req.body ?? {}) as { query?: string; operationName?: string; variables?: unknown };
    const { query, hash } = readRequest(req);
    const text = trusted.resolve(query, hash).query ?? query;
    if (!text || !isMutation(text, body.operationName)) return next();

    const user = (res.locals.auth as Authentication | undefined)?.user;
    const scope = user ? (user.apiKeyId ? `key:${user.apiKeyId}` : `user:${user.id}`) : `ip:${req.ip}`;
    const redisKey = `${prefix}:idem:${scope}:${key}`;
    const fingerprint = sha256(JSON.stringify([body.operationName ?? null, text, canonical(body.variables ?? {})]));

    void (async () => {
      const claimed = await redis.set(
        redisKey,
        JSON.stringify({ state: 'pending', fingerprint } satisfies Stored),
        'PX',
        TTL_MS,
        'NX',
      );
      if (claimed) return record(redis, redisKey, fingerprint, res, log, next);
      const deadline = Date.now() + 30_000;
      for (;;) {
        const raw = await redis.get(redisKey);
        if (!raw) return next(); // expired or released between the two calls: run it
        const stored = JSON.parse(raw) as Stored;
        if (stored.fingerprint !== fingerprint) {
          return sendHttpError(
            res,
            422,
            'IDEMPOTENCY_KEY_REUSED',
            'This Idempotency-Key was already used for a different request',
          );
        }
        if (stored.state === 'done') {
          res.status(stored.status!).setHeader('content-type', stored.contentType ?? 'application/json');
          res.setHeader('idempotency-replayed', 'true');
          return res.end(Buffer.from(stored.body!, 'base64'));
        }
        if (Date.now() > deadline)
          return sendHttpError(
            res,
            409,
            'IDEMPOTENCY_IN_PROGRESS',
            'A request with this Idempotency-Key is still running; retry shortly',
          );
        await new Promise((r) => setTimeout(r, 25));
      }
    })().catch((err: Error) => {
      // Without Redis the key cannot be honoured, and running the mutation unguarded could repeat it.
      if (isConnectionError(err)) return sendHttpError(res, 503, 'SERVICE_UNAVAILABLE', REDIS_AWAY);
      next(err);
    });
  };
}

/** Runs the request and stores what it sends; releases the key if the client went away first. */
function record(
  redis: Redis,
  redisKey: string,
  fingerprint: string,
  res: express.Response,
  log: Logger,
  next: express.NextFunction,
): void {
  const chunks: Buffer[] = [];
  const write = res.write.bind(res) as (...a: unknown[]) => boolean;
  const end = res.end.bind(res) as (...a: unknown[]) => express.Response;
  const keep = (chunk: unknown, encoding?: unknown) => {
    if (chunk == null || typeof chunk === 'function') return;
    chunks.push(
      Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'),
    );
  };
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    keep(chunk, rest[0]);
    return write(chunk, ...rest);
  }) as typeof res.write;
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    keep(chunk, rest[0]);
    return end(chunk, ...rest);
  }) as typeof res.end;
  res.on('finish', () => {
    const stored: Stored = {
      state: 'done',
      fingerprint,
      status: res.statusCode,
      contentType: String(res.getHeader('content-type') ?? 'application/json'),
      body: Buffer.concat(chunks).toString('base64'),
    };
    redis
      .set(redisKey, JSON.stringify(stored), 'PX', TTL_MS)
      .catch((err) => log.error({ err }, 'could not store idempotent response'));
  });
  res.on('close', () => {
    if (!res.writableFinished) redis.del(redisKey).catch(() => undefined);
  });
  next();
}

function isMutation(text: string, operationName: string | undefined): boolean {
  try {
    return selectOperation(parse(text), operationName)?.operation === OperationTypeNode.MUTATION;
  } catch {
    return false; // Apollo reports the syntax error
  }
}

/** JSON with sorted keys, so `{a,b}` and `{b,a}` variables are the same request. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
