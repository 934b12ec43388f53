import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The credentials requests must be signed with (AWS Signature Version 4, service `s3`). */
export interface SigningKey {
  accessKey: string;
  secretKey: string;
  region: string;
}

/** Why a request is refused, in S3's own error codes (clients such as minio map them). */
export interface SignatureProblem {
  code: 'AccessDenied' | 'InvalidAccessKeyId' | 'SignatureDoesNotMatch' | 'RequestTimeTooSkewed';
  message: string;
}

const MAX_SKEW_MS = 15 * 60_000;
const MAX_PRESIGNED_S = 7 * 24 * 3600;

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding, as SigV4 canonicalizes query strings. */
function encode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** 20261206T104512Z → epoch ms, or NaN. */
function amzDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : NaN;
}

interface Parsed {
  credential: string;
  signedHeaders: string[];
  signature: string;
  date: string;
  payloadHash: string;
  /** The query pairs that enter the canonical request (a presigned URL's signature excluded). */
  query: [string, string][];
  expiresS?: number;
}

function parse(req: IncomingMessage, rawQuery: string): Parsed | SignatureProblem {
  const pairs: [string, string][] = [];
  for (const part of rawQuery ? rawQuery.split('&') : []) {
    const eq = part.indexOf('=');
    const k = decode(eq < 0 ? part : part.slice(0, eq));
    const v = decode(eq < 0 ? '' : part.slice(eq + 1));
    if (k === null || v === null) return { code: 'AccessDenied', message: 'Malformed query string' };
    pairs.push([k, v]);
  }
  const q = new Map(pairs);
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^AWS4-HMAC-SHA256 Credential=([^,]+), ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
    if (!m) return { code: 'AccessDenied', message: 'Only AWS Signature Version 4 is accepted' };
    return {
      credential: m[1]!,
      signedHeaders: m[2]!.split(';'),
      signature: m[3]!,
      date: String(req.headers['x-amz-date'] ?? ''),
      payloadHash: String(req.headers['x-amz-content-sha256'] ?? ''),
      query: pairs,
    };
  }
  if (q.get('X-Amz-Algorithm') === 'AWS4-HMAC-SHA256') {
    const expiresS = Number(q.get('X-Amz-Expires'));
    return {
      credential: q.get('X-Amz-Credential') ?? '',
      signedHeaders: (q.get('X-Amz-SignedHeaders') ?? '').split(';'),
      signature: q.get('X-Amz-Signature') ?? '',
      date: q.get('X-Amz-Date') ?? '',
      payloadHash: 'UNSIGNED-PAYLOAD',
      query: pairs.filter(([k]) => k !== 'X-Amz-Signature'),
      expiresS: Number.isInteger(expiresS) && expiresS > 0 && expiresS <= MAX_PRESIGNED_S ? expiresS : -1,
    };
  }
  return { code: 'AccessDenied', message: 'Anonymous requests are not accepted; sign with AWS Signature Version 4' };
}

/**
 * Checks an S3 request's AWS Signature Version 4 — the Authorization header, or a presigned URL's
 * query — against `key`: the canonical request (method, path, sorted query, signed headers, payload
 * hash) is rebuilt and signed with the secret, and the signature compared in constant time. Also
 * refuses a date more than 15 minutes off, an expired presigned URL, and a scope for another
 * region or service. Returns null when the request is signed by the holder of the secret.
 *
 * The declared payload hash is part of what is signed; the body itself is not hashed here.
 */
export function verifySigV4(req: IncomingMessage, key: SigningKey, now = Date.now()): SignatureProblem | null {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const p = parse(req, q < 0 ? '' : url.slice(q + 1));
  if ('code' in p) return p;

  const [accessKey, day, region, service, terminator] = p.credential.split('/');
  if (accessKey !== key.accessKey) return { code: 'InvalidAccessKeyId', message: 'Unknown access key' };
  const at = amzDate(p.date);
  if (!day || p.date.slice(0, 8) !== day || region !== key.region || service !== 's3' || terminator !== 'aws4_request')
    return { code: 'SignatureDoesNotMatch', message: 'The credential scope does not match the request' };
  if (Number.isNaN(at) || at > now + MAX_SKEW_MS) return { code: 'RequestTimeTooSkewed', message: 'Bad request date' };
  if (p.expiresS === undefined ? now - at > MAX_SKEW_MS : p.expiresS < 0 || now > at + p.expiresS * 1000)
    return { code: 'AccessDenied', message: 'Request has expired' };
  if (!p.payloadHash || !p.signedHeaders.includes('host'))
    return { code: 'SignatureDoesNotMatch', message: 'The host and payload hash must be signed' };

  const headers = p.signedHeaders.map((name) => {
    const raw = req.headers[name];
    const value = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
    return `${name}:${value.trim().replace(/\s+/g, ' ')}\n`;
  });
  const query = p.query
    .map(([k, v]) => [encode(k), encode(v)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonical = [req.method, path, query, headers.join(''), p.signedHeaders.join(';'), p.payloadHash].join('\n');
  const scope = `${day}/${region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', p.date, scope, sha256(canonical)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${key.secretKey}`, day), region), 's3'), 'aws4_request');
  const expected = hmac(signingKey, toSign);
  const given = Buffer.from(p.signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { code: 'SignatureDoesNotMatch', message: 'The request signature does not match' };
  return null;
}
