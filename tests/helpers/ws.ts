import { createClient, type Client } from 'graphql-ws';
import { WebSocket } from 'ws';

export interface Subscription<T> {
  /** Resolves with the next event, or rejects after `timeoutMs`. */
  next(timeoutMs?: number): Promise<T>;
  /** Resolves true if no event arrives within `ms`. */
  quiet(ms: number): Promise<boolean>;
  received: T[];
  /** Calls back when the server closes the socket. */
  /** Called when the socket closes, with its close code (4403: the session ended). */
  onClosed(cb: (code: number) => void): void;
  close(): Promise<void>;
}

/** A graphql-ws client over a real socket, authenticated in connection_init. */
export function wsClient(wsUrl: string, token: string | null, onClose?: (code: number) => void): Client {
  return createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: false,
    // A close by the server is reported through `onClose` (and `closed` events), not printed.
    onNonLazyError: () => undefined,
    on: { closed: (e) => onClose?.((e as { code: number }).code) },
  });
}

/** Subscribes and buffers events; resolves once the server has acknowledged the connection. */
export async function subscribe<T>(
  wsUrl: string,
  token: string,
  query: string,
  extra: { extensions?: Record<string, unknown>; variables?: Record<string, unknown> } = {},
): Promise<Subscription<T>> {
  const client = wsClient(wsUrl, token);
  await new Promise<void>((resolve, reject) => {
    const off = client.on('connected', () => {
      off();
      resolve();
    });
    const offClosed = client.on('closed', (e) => reject(new Error(`socket closed: ${(e as { code: number }).code}`)));
    client.on('connected', () => offClosed());
  });
  const received: T[] = [];
  const waiters: ((v: T) => void)[] = [];
  const errors: unknown[] = [];
  const dispose = client.subscribe<T>(
    { query, ...extra },
    {
      next: (msg) => {
        if (msg.errors?.length) errors.push(msg.errors);
        const data = msg.data as T;
        const waiter = waiters.shift();
        if (waiter) waiter(data);
        else received.push(data);
      },
      error: (e) => errors.push(e),
      complete: () => undefined,
    },
  );
  // The subscribe message is async; give the server a moment to register the Redis subscription.
  await new Promise((r) => setTimeout(r, 150));
  return {
    received,
    next(timeoutMs = 5000) {
      if (errors.length) return Promise.reject(new Error(`subscription error: ${JSON.stringify(errors[0])}`));
      const buffered = received.shift();
      if (buffered) return Promise.resolve(buffered);
      return new Promise<T>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no subscription event within timeout')), timeoutMs);
        waiters.push((v) => {
          clearTimeout(t);
          resolve(v);
        });
      });
    },
    onClosed(cb) {
      client.on('closed', (e) => cb((e as { code: number }).code));
    },
    async quiet(ms) {
      await new Promise((r) => setTimeout(r, ms));
      return received.length === 0;
    },
    async close() {
      dispose();
      await client.dispose();
    },
  };
}

/**
 * Opens a raw socket, sends `connection_init` with the token, and resolves with the close code the
 * server chose (e.g. 4403 for a missing, invalid or expired token), or 0 if it acknowledged instead.
 */
export function closeCodeFor(wsUrl: string, token: string | null): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
    socket.on('open', () => {
      socket.send(
        JSON.stringify({ type: 'connection_init', payload: token ? { authorization: `Bearer ${token}` } : {} }),
      );
    });
    socket.on('message', (data) => {
      if (JSON.parse(String(data)).type === 'connection_ack') {
        socket.close();
        resolve(0);
      }
    });
    socket.on('close', (code) => resolve(code));
    socket.on('error', reject);
  });
}

export interface RawSubscriber<T> {
  socket: WebSocket;
  /** Every `next` payload's data, in arrival order. */
  events: T[];
  /** Errors sent in `next` or `error` messages. */
  errors: unknown[];
  /** Resolves once `count` events have arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  /** The close code once the socket closes. */
  closed: Promise<number>;
}

/**
 * A bare graphql-transport-ws socket with one subscription (id "1"): cheap enough to open hundreds,
 * and it shows exactly the frames the server writes. Resolves once the subscription is registered.
 */
export async function rawSubscribe<T>(
  wsUrl: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<RawSubscriber<T>> {
  const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
  const events: T[] = [];
  const errors: unknown[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('open', () =>
      socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: token } })),
    );
    socket.on('message', (raw) => {
      const message = JSON.parse(String(raw)) as { type: string; payload?: { data: T; errors?: unknown[] } };
      if (message.type === 'connection_ack') {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables } }));
        resolve();
      } else if (message.type === 'error') {
        errors.push(message.payload);
      } else if (message.type === 'next') {
        errors.push(...(message.payload?.errors ?? []));
        events.push(message.payload!.data);
        for (const w of waiters.filter((w) => events.length >= w.count)) w.resolve();
      }
    });
    void closed.then((code) => reject(new Error(`socket closed: ${code}`)));
  });
  return {
    socket,
    events,
    errors,
    closed,
    waitFor(count, timeoutMs = 15_000) {
      if (events.length >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${events.length} of ${count} events arrived`)), timeoutMs);
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
  };
}
