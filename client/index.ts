import { print, type DocumentNode } from 'graphql';
import { GraphQLClient } from 'graphql-request';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { getSdk } from './generated/sdk.js';
import { sha256 } from './hash.js';

export * from './generated/sdk.js';
export { sha256 };

export interface ApiOptions {
  /** Access token from `login`; sent as `Authorization: Bearer`. */
  token?: string;
  /**
   * Send persisted-query hashes instead of documents (Apollo's protocol): the server runs the
   * operation from its manifest or APQ cache; on PERSISTED_QUERY_NOT_FOUND the client resends once
   * with the document. Required when the server runs PERSISTED_OPERATIONS=only.
   */
  persisted?: boolean;
  /** With `persisted`, send queries as GET so HTTP caches can keep them. */
  get?: boolean;
  headers?: Record<string, string>;
}

/** The typed SDK over HTTP: `createApi(url, { token }).Properties({ first: 10 })`. */
export function createApi(url: string, options: ApiOptions = {}) {
  const headers = { ...options.headers, ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) };
  const client = new GraphQLClient(url, { headers, fetch: options.persisted ? persistedFetch(options.get ?? false) : undefined });
  return getSdk(client);
}

export type Api = ReturnType<typeof createApi>;

/** Rewrites graphql-request's POST into a hash-only request (GET for queries), with the APQ fallback. */
function persistedFetch(useGet: boolean): typeof fetch {
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
      res = await fetch(url, { ...init, method: 'GET', headers, body: undefined });
    } else {
      res = await fetch(input, { ...init, headers, body: JSON.stringify({ ...body, query: undefined, extensions }) });
    }
    const text = await res.clone().text();
    if (!text.includes('PERSISTED_QUERY_NOT_FOUND')) return res;
    return fetch(input, { ...init, headers: init?.headers, body: JSON.stringify({ ...body, extensions }) });
  };
}

export interface Subscription {
  /** Stops the subscription (the socket closes when nothing else uses it). */
  unsubscribe(): void;
}

/**
 * A live subscription over graphql-ws, e.g. a pipeline dashboard:
 * `subscribe(wsUrl, token, PipelineEventsDocument, (e) => render(e.pipelineEvents))`.
 */
export function subscribe<T>(
  wsUrl: string,
  token: string,
  document: DocumentNode,
  onData: (data: T) => void,
  onError: (error: unknown) => void = (e) => console.error(e),
  client: WsClient = createWsClient({ url: wsUrl, connectionParams: { authorization: `Bearer ${token}` } }),
): Subscription {
  const stop = client.subscribe<T>({ query: print(document) }, { next: (msg) => msg.data && onData(msg.data as T), error: onError, complete: () => undefined });
  return { unsubscribe: stop };
}
