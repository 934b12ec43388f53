import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { graphql } from '../gql';
import type { AuthFieldsFragment } from '../gql/graphql';
import type { GraphQLErrorShape } from './errors';
import { HTTP_URL, requestBody } from './graphql-http';

export const SignInDocument = graphql(`
  mutation SignIn($input: LoginInput!) {
    login(input: $input) {
      ...AuthFields
    }
  }
`);

export const RefreshDocument = graphql(`
  mutation RefreshSession($token: String!) {
    refreshToken(token: $token) {
      ...AuthFields
    }
  }
`);

export const SignOutDocument = graphql(`
  mutation SignOut($token: String!) {
    logout(refreshToken: $token)
  }
`);

graphql(`
  fragment AuthFields on AuthPayload {
    accessToken
    accessTokenExpiresAt
    refreshToken
    refreshTokenExpiresAt
    user {
      id
      name
      email
      role
    }
  }
`);

export type Session = AuthFieldsFragment;

const KEY = 'reos.session';
/** Refresh this long before the access token expires, so a request never leaves with a stale one. */
const EARLY_MS = 30_000;

/** Raised when the session cannot continue (refresh refused or expired): the app signs out. */
export class SessionEnded extends Error {}

type Listener = (session: Session | null, reason?: string) => void;
const listeners = new Set<Listener>();

export function currentSession(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

function store(session: Session | null, reason?: string): void {
  if (session) localStorage.setItem(KEY, JSON.stringify(session));
  else localStorage.removeItem(KEY);
  for (const listener of listeners) listener(session, reason);
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

// Another tab signed in, refreshed or signed out: follow it.
window.addEventListener('storage', (e) => {
  if (e.key === KEY) for (const listener of listeners) listener(currentSession());
});

/** A GraphQL request outside urql (sign-in and refresh must not wait on the token they produce). */
async function post<T>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- variables are typed by the document
  document: TypedDocumentNode<T, any>,
  variables: object,
): Promise<{ data?: T | null; errors?: GraphQLErrorShape[] }> {
  const res = await fetch(HTTP_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
    body: requestBody(document, variables),
  });
  return (await res.json()) as { data?: T | null; errors?: GraphQLErrorShape[] };
}

export async function signIn(email: string, password: string): Promise<{ errors?: GraphQLErrorShape[] }> {
  const result = await post(SignInDocument, { input: { email, password } });
  if (result.data?.login) store(result.data.login);
  return { errors: result.errors };
}

export async function signOut(reason?: string): Promise<void> {
  const session = currentSession();
  store(null, reason);
  if (session) await post(SignOutDocument, { token: session.refreshToken }).catch(() => undefined);
}

let refreshing: Promise<Session> | null = null;

/**
 * Refresh-token rotation: each refresh token works once and the answer carries the next one. One
 * refresh at a time across every tab of this origin (a Web Lock); a tab that waited reads what the
 * other stored instead of spending the already-rotated token.
 */
export function refreshSession(stale: Session): Promise<Session> {
  refreshing ??= withLock(async () => {
    const now = currentSession();
    if (!now) throw new SessionEnded('Signed out');
    if (now.refreshToken !== stale.refreshToken) return now; // another tab rotated it already
    const result = await post(RefreshDocument, { token: now.refreshToken });
    if (!result.data?.refreshToken) {
      store(null, 'Your session has expired. Sign in again.');
      throw new SessionEnded('Your session has expired');
    }
    store(result.data.refreshToken);
    return result.data.refreshToken;
  }).finally(() => {
    refreshing = null;
  });
  return refreshing;
}

function withLock<T>(task: () => Promise<T>): Promise<T> {
  return navigator.locks ? (navigator.locks.request('reos-session-refresh', task) as Promise<T>) : task();
}

/** A usable access token: the stored one, or a fresh one when it is about to expire. */
export async function accessToken(): Promise<string | null> {
  const session = currentSession();
  if (!session) return null;
  if (Date.parse(session.accessTokenExpiresAt) - Date.now() > EARLY_MS) return session.accessToken;
  if (Date.parse(session.refreshTokenExpiresAt) <= Date.now()) {
    store(null, 'Your session has expired. Sign in again.');
    return null;
  }
  return (await refreshSession(session)).accessToken;
}

/** After an UNAUTHENTICATED answer: refresh once (the token may have been revoked by a role change). */
export async function recoverFromUnauthenticated(): Promise<string | null> {
  const session = currentSession();
  if (!session) return null;
  try {
    return (await refreshSession(session)).accessToken;
  } catch {
    return null;
  }
}
