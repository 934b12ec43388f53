import { sendHttpError } from '../http/errors.js';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import type express from 'express';
import { GraphQLError } from 'graphql';
import type { Redis } from '../redis.js';

/**
 * Automatic persisted queries in Redis, so every API process knows every hash. Implements Apollo's
 * KeyValueCache; Apollo prefixes keys with `apq:`. Trusted-document hashes resolve from the manifest
 * in memory, so hash-only requests for them (GET or POST) need no Redis at all.
 */
export class RedisKeyValueCache implements KeyValueCache<string> {
  /**
   * Documents are addressed by their own hash and never change, so each process keeps the ones it
   * has seen (up to 5,000) and asks Redis only for new hashes.
   */
  private readonly local = new Map<string, string>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** Trusted documents (hash -> document), answered without Redis. */
    private readonly manifest: ReadonlyMap<string, string> = new Map(),
    /** Texts of requests in flight that were handed to Apollo by hash (KnownQueries). */
    private readonly inFlight?: KnownQueries,
  ) {}

  async get(key: string): Promise<string | undefined> {
    if (key.startsWith('apq:')) {
      const hash = key.slice(4);
      const text = this.inFlight?.textOf(hash) ?? this.manifest.get(hash);
      if (text !== undefined) return text;
    }
    const hit = this.local.get(key);
    if (hit !== undefined) return hit;
    // Redis away: a miss. The client then sends the document itself, and the request still runs.
    const value = (await this.redis.get(`${this.prefix}:${key}`).catch(() => null)) ?? undefined;
    if (value !== undefined && key.startsWith('apq:')) this.remember(key, value);
    return value;
  }

  private remember(key: string, value: string): void {
    if (this.local.size >= 5_000) this.local.delete(this.local.keys().next().value!);
    this.local.set(key, value);
  }

  async set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    const k = `${this.prefix}:${key}`;
    // Best effort: without Redis the document is simply not remembered for other processes.
    if (options?.ttl) await this.redis.set(k, value, 'EX', options.ttl).catch(() => undefined);
    else await this.redis.set(k, value).catch(() => undefined);
  }

  async delete(key: string): Promise<boolean> {
    this.local.delete(key);
    return (await this.redis.del(`${this.prefix}:${key}`).catch(() => 0)) > 0;
  }
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Trusted documents: the manifests (hash -> document) of the operations shipped in the client SDK
 * and in the web client, written by `npm run codegen`. Modes: `off` (APQ only), `allow` (manifest hashes or ad-hoc
 * queries), `only` (manifest hashes only; anything else is PERSISTED_QUERY_REQUIRED).
 */
export class TrustedDocuments {
  private constructor(
    readonly mode: 'off' | 'allow' | 'only',
    readonly manifest: ReadonlyMap<string, string>,
    private readonly allowIntrospection: boolean,
  ) {}

  static load(mode: 'off' | 'allow' | 'only', paths: string[], allowIntrospection: boolean): TrustedDocuments {
    const manifest = new Map<string, string>();
    if (mode === 'off') return new TrustedDocuments(mode, manifest, allowIntrospection);
    for (const path of paths) {
      if (!existsSync(path)) {
        if (mode === 'only')
          throw new Error(`PERSISTED_OPERATIONS=only needs the manifest at ${path}; run \`npm run codegen\``);
        continue;
      }
      const entries = Object.entries(JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>);
      for (const [key, doc] of entries) {
        // codegen's client preset writes document ids as "sha256:<hex>" (the persisted-documents convention).
        const hash = key.replace(/^sha256:/, '');
        if (sha256(doc) !== hash) throw new Error(`manifest entry ${hash} in ${path} does not match its document`);
        manifest.set(hash, doc);
      }
    }
    return new TrustedDocuments(mode, manifest, allowIntrospection);
  }

  /**
   * The document to run for a request, or an error when the mode forbids it. `query` is the text
   * sent (if any), `hash` the persisted-query hash (if any).
   */
  resolve(query: string | undefined, hash: string | undefined): { query?: string; error?: GraphQLError } {
    const known = hash ? this.manifest.get(hash) : query ? this.manifest.get(sha256(query)) : undefined;
    if (known) return { query: known };
    if (this.mode !== 'only') return { query };
    if (query && this.allowIntrospection && /^\s*(query\s+IntrospectionQuery\b|\{\s*__schema\b)/.test(query))
      return { query };
    return {
      error: new GraphQLError('This server only runs persisted operations from the client manifest', {
        extensions: { code: 'PERSISTED_QUERY_REQUIRED', http: { status: 400 } },
      }),
    };
  }

  /** HTTP guard, before Apollo: in `only` mode refuses what the manifest does not contain. */
  middleware(): express.RequestHandler {
    return (req, res, next) => {
      if (this.mode !== 'only') return next();
      const { query, hash } = readRequest(req);
      const { error } = this.resolve(query, hash);
      if (!error) return next();
      sendHttpError(res, 400, 'PERSISTED_QUERY_REQUIRED', error.message);
    };
  }
}

/** A POST body as JSON: its fields are checked by Apollo, which answers a malformed one with BAD_REQUEST. */
type PostBody = Record<string, unknown>;

/**
 * Apollo hashes the text of every query it receives (SHA-256, through a `require('crypto')` per
 * request: about 4% of a small query's CPU) to find its parsed and validated document. This process
 * remembers the hash of each text it has seen (up to MAX_TEXTS of up to MAX_TEXT_LENGTH characters,
 * MAX_CHARS in all; the memory starts afresh when full) and hands a POST with a query text to Apollo
 * in APQ form: the text's hash in `extensions.persistedQuery`, the text itself held here while the
 * request runs, where the APQ cache (RedisKeyValueCache) finds it without Redis. Apollo then parses,
 * validates (or reuses the document), plans and answers exactly as for the text, and a client sees
 * no difference; nothing is registered in Redis. Anything else (GET, a body Apollo would refuse, a
 * request already in APQ form) goes to Apollo as it came.
 */
export class KnownQueries {
  static readonly MAX_TEXTS = 2_000;
  static readonly MAX_TEXT_LENGTH = 64 * 1024;
  /** Characters of all remembered texts together (at most 8 MB of UTF-16). */
  static readonly MAX_CHARS = 4 * 1024 * 1024;
  private readonly hashes = new Map<string, string>();
  private chars = 0;
  /** Texts of the requests in flight by hash, with how many such requests hold each. */
  private readonly held = new Map<string, { text: string; holders: number }>();

  /**
   * The body to hand Apollo, and what to call once Apollo has answered (it lets go of the text).
   */
  forApollo(body: unknown): { body: unknown; done: () => void } {
    const query = candidate(body);
    if (query === undefined) return { body, done: noop };
    let hash = this.hashes.get(query);
    if (hash === undefined) {
      if (this.hashes.size >= KnownQueries.MAX_TEXTS || this.chars + query.length > KnownQueries.MAX_CHARS) {
        this.hashes.clear();
        this.chars = 0;
      }
      hash = sha256(query);
      this.hashes.set(query, hash);
      this.chars += query.length;
    }
    const held = this.held.get(hash);
    if (held) held.holders++;
    else this.held.set(hash, { text: query, holders: 1 });
    const { query: _text, extensions, ...rest } = body as PostBody;
    const persistedQuery = { version: 1, sha256Hash: hash };
    return {
      body: { ...rest, extensions: { ...(extensions as PostBody | null | undefined), persistedQuery } },
      done: () => this.release(hash),
    };
  }

  /** How many texts, and characters of text, this process remembers the hashes of. */
  get remembered(): { texts: number; chars: number } {
    return { texts: this.hashes.size, chars: this.chars };
  }

  /** The text of a request in flight that was handed over by this hash. */
  textOf(hash: string): string | undefined {
    return this.held.get(hash)?.text;
  }

  private release(hash: string): void {
    const held = this.held.get(hash);
    if (held && --held.holders === 0) this.held.delete(hash);
  }
}

const noop = () => undefined;

/**
 * The query text of a POST body Apollo would run as it is, or undefined: a non-empty string query
 * of at most MAX_TEXT_LENGTH characters, no persisted-query extension, and fields of the types Apollo
 * accepts (anything it would refuse is left for it to refuse in its own words).
 */
function candidate(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  const { query, extensions, variables, operationName } = body;
  if (typeof query !== 'string' || query.length === 0 || query.length > KnownQueries.MAX_TEXT_LENGTH) return undefined;
  if (extensions != null && (!isRecord(extensions) || 'persistedQuery' in extensions)) return undefined;
  if (variables != null && !isRecord(variables)) return undefined;
  if (operationName != null && typeof operationName !== 'string') return undefined;
  return query;
}

function isRecord(value: unknown): value is PostBody {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The query text and persisted-query hash of a POST (JSON) or GET request. */
export function readRequest(req: express.Request): { query?: string; hash?: string } {
  const src = (req.method === 'GET' ? req.query : req.body) as Record<string, unknown> | undefined;
  let ext = src?.extensions as { persistedQuery?: { sha256Hash?: string } } | string | undefined;
  if (typeof ext === 'string') {
    try {
      ext = JSON.parse(ext) as { persistedQuery?: { sha256Hash?: string } };
    } catch {
      ext = undefined;
    }
  }
  const hash = typeof ext === 'object' ? ext?.persistedQuery?.sha256Hash : undefined;
  return {
    query: typeof src?.query === 'string' ? src.query : undefined,
    hash: typeof hash === 'string' ? hash : undefined,
  };
}
