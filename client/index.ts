import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { GraphQLClient } from 'graphql-request';
import { createClient, type Client } from 'graphql-ws';
import { getSdk } from './generated/sdk.js';
import { sha256 } from './hash.js';

export * from './generated/operations.js';
export { getSdk, sha256 };

/** A token, or a function that returns the current one (so a refreshed token is picked up). */
export type TokenSource = string | (() => string | null | undefined);

const tokenOf = (t: TokenSource | undefined) => (typeof t === 'function' ? t() : t) ?? undefined;

export interface ApiOptions {
  /** Access token from `login`; sent as `Authorization: Bearer`. */
  token?: TokenSource;
  /**
   * Send persisted-query hashes instead of documents (Apollo's protocol): the server runs the
   * operation from its manifest or APQ cache; on PERSISTED_QUERY_NOT_FOUND the client resends once
   * with the document. Required when the server runs PERSISTED_OPERATIONS=only.
   */
  persisted?: boolean;
  /** With `persisted`, send queries as GET so HTTP caches can keep them. */
  get?: boolean;
  headers?: Record<string, string>;
  /** A fetch implementation (defaults to the global one: Node.js 18+, browsers, React Native). */
  fetch?: typeof fetch;
}

/**
 * The typed SDK over HTTP — queries and mutations: `createApi(url, { token }).Properties({ first: 10 })`.
 * Subscriptions go over WebSocket: see `createLive`.
 */
export function createApi(url: string, options: ApiOptions = {}) {
  const base = options.fetch ?? globalThis.fetch.bind(globalThis);
  const withAuth: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    for (const [k, v] of Object.entries(options.headers ?? {})) headers.set(k, v);
    const token = tokenOf(options.token);
    if (token) headers.set('authorization', `Bearer ${token}`);
    return base(input, { ...init, headers });
  };
  const client = new GraphQLClient(url, {
    fetch: options.persisted ? persistedFetch(withAuth, options.get ?? false) : withAuth,
  });
  return getSdk(client);
}

export type Api = ReturnType<typeof createApi>;

/** Rewrites graphql-request's POST into a hash-only request (GET for queries), with the APQ fallback. */
function persistedFetch(send: typeof fetch, useGet: boolean): typeof fetch {
  return async (input, init) => {
    const body = JSON.parse(String(init?.body)) as { query: string; variables?: unknown; operationName?: string };
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(body.query) } };
    const isQuery = /^\s*(query\b|\{)/.test(body.query);
    const headers = new Headers(init?.headers);
    let res: Response;
    if (useGet && isQuery) {
      const url = new URL(String(input));
      url.searchParams.set('extensions', JSON.stringify(extensions));
      if (body.variables) url.searchParams.set('variables', JSON.stringify(body.variables));
      if (body.operationName) url.searchParams.set('operationName', body.operationName);
      headers.set('apollo-require-preflight', 'true'); // CSRF prevention lets such GETs through
      headers.delete('content-type');
      res = await send(url, { ...init, method: 'GET', headers, body: undefined });
    } else {
      res = await send(input, { ...init, headers, body: JSON.stringify({ ...body, query: undefined, extensions }) });
    }
    const text = await res.clone().text();
    if (!text.includes('PERSISTED_QUERY_NOT_FOUND')) return res;
    return send(input, { ...init, headers: init?.headers, body: JSON.stringify({ ...body, extensions }) });
  };
}

export interface LiveOptions {
  /** Access token, sent in `connection_init` (read again on every reconnect when a function). */
  token?: TokenSource;
  /**
   * A WebSocket class. Defaults to the global one (browsers, React Native, Node.js 22+); on older
   * Node.js pass the `ws` package's: `createLive(url, { webSocketImpl: WebSocket })`.
   */
  webSocketImpl?: unknown;
  /** Send persisted-query hashes (from the manifest) instead of documents. */
  persisted?: boolean;
}

export interface Handlers<T> {
  next(data: T): void;
  error?(error: unknown): void;
  complete?(): void;
}

export interface Live {
  /** Starts a typed subscription; returns a function that stops it. */
  subscribe<TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables,
    handlers: Handlers<TData>,
  ): () => void;
  /** Closes the socket. */
  dispose(): Promise<void>;
  /** The underlying graphql-ws client. */
  client: Client;
}

/**
 * Live data over graphql-ws on `/graphql`, one socket for every subscription:
 * `createLive(wsUrl, { token }).subscribe(PipelineEventsDocument, {}, { next: (d) => render(d.pipelineEvents) })`.
 */
export function createLive(wsUrl: string, options: LiveOptions = {}): Live {
  const impl = options.webSocketImpl ?? (globalThis as { WebSocket?: unknown }).WebSocket;
  if (!impl)
    throw new Error(
      'No WebSocket implementation here: pass one as webSocketImpl (e.g. the ws package on Node.js before 22)',
    );
  const client = createClient({
    url: wsUrl,
    webSocketImpl: impl,
    lazy: true,
    connectionParams: () => {
      const token = tokenOf(options.token);
      return token ? { authorization: `Bearer ${token}` } : {};
    },
  });
  return {
    client,
    subscribe(document, variables, handlers) {
      const query = print(document);
      const payload = options.persisted
        ? { query: '', variables, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } }
        : { query, variables };
      return client.subscribe<typeof handlers extends Handlers<infer T> ? T : never>(payload, {
        next: (msg) => {
          if (msg.errors?.length) handlers.error?.(msg.errors);
          else if (msg.data) handlers.next(msg.data as never);
        },
        error: (e) => handlers.error?.(e),
        complete: () => handlers.complete?.(),
      });
    },
    dispose: () => client.dispose() as Promise<void>,
  };
}
