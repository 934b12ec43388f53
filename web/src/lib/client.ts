import { persistedExchange } from '@urql/exchange-persisted';
import { Client, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { documentHash, HTTP_URL, SEND_HASHES, WS_URL } from './graphql-http';
import { accessToken, onSessionChange, recoverFromUnauthenticated, signOut } from './session';

/**
 * Every HTTP request carries a fresh access token (refreshed ahead of expiry); an UNAUTHENTICATED
 * answer is retried once after a refresh, and when that fails the app signs out with a reason.
 */
async function authFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  const send = (token: string | null) => {
    const headers = new Headers(init.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    return fetch(input, { ...init, headers });
  };
  const res = await send(await accessToken());
  if (!(await isUnauthenticated(res))) return res;
  const token = await recoverFromUnauthenticated();
  if (!token) {
    await signOut('Your session has ended. Sign in again.');
    return res;
  }
  return send(token);
}

async function isUnauthenticated(res: Response): Promise<boolean> {
  if (res.status !== 401 && res.status !== 200) return false;
  try {
    const body = (await res.clone().json()) as { errors?: { extensions?: { code?: string } }[] };
    return !!body.errors?.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
  } catch {
    return false;
  }
}

let ws: WsClient | null = null;

/** The live connection's state, for the "Live" badge: subscriptions flow only while it is open. */
export type LiveState = 'idle' | 'connecting' | 'live' | 'reconnecting';
let liveState: LiveState = 'idle';
const liveListeners = new Set<(s: LiveState) => void>();
function setLive(s: LiveState) {
  liveState = s;
  for (const l of liveListeners) l(s);
}
export function watchLive(listener: (s: LiveState) => void): () => void {
  liveListeners.add(listener);
  listener(liveState);
  return () => liveListeners.delete(listener);
}

/**
 * One WebSocket per signed-in session (graphql-ws). The token is read when (re)connecting, so a
 * reconnect after a refresh uses the new one; the server closes a socket whose session ended with
 * 4403, and the client then re-authenticates or signs out.
 */
function socket(): WsClient {
  ws ??= createWsClient({
    url: WS_URL,
    lazy: true,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    connectionParams: async () => {
      const token = await accessToken();
      return token ? { authorization: `Bearer ${token}` } : {};
    },
    on: {
      connecting: () => setLive(liveState === 'idle' ? 'connecting' : 'reconnecting'),
      connected: () => setLive('live'),
      closed: (event) => {
        setLive('reconnecting');
        const code = (event as CloseEvent | undefined)?.code;
        if (code === 4403 || code === 4401)
          void recoverFromUnauthenticated().then(async (t) => {
            if (!t) await signOut('Your session has ended. Sign in again.');
          });
      },
    },
  });
  return ws;
}

onSessionChange((session) => {
  if (!session && ws) {
    void ws.dispose();
    ws = null;
    setLive('idle');
  }
});

export function createClient(): Client {
  return new Client({
    url: HTTP_URL,
    fetch: authFetch,
    preferGetMethod: false,
    requestPolicy: 'cache-and-network',
    fetchOptions: { headers: { accept: 'application/graphql-response+json, application/json' } },
    exchanges: [
      ...(SEND_HASHES
        ? [
            persistedExchange({
              enforcePersistedQueries: true,
              // POST like every other request (Apollo's CSRF prevention refuses header-less GETs).
              preferGetForPersistedQueries: false,
              enableForMutation: true,
              enableForSubscriptions: true,
              generateHash: (_query, document) => Promise.resolve(documentHash(document)),
            }),
          ]
        : []),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const payload = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const unsubscribe = socket().subscribe(payload, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
}
