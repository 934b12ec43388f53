import type { CombinedError } from '@urql/core';

/** An error as the server sends it (GraphQL over HTTP). */
export interface GraphQLErrorShape {
  message: string;
  extensions?: Record<string, unknown>;
}

/** What the screen shows for a failed request: one sentence, and the input field it is about. */
export interface Problem {
  message: string;
  code: string;
  /** e.g. "input.email" or "note": shown next to that field */
  field?: string;
  retryAfterSeconds?: number;
}

const GENERIC: Record<string, string> = {
  UNAUTHENTICATED: 'Your session has ended. Sign in again.',
  FORBIDDEN: 'Your role does not allow this. Ask an owner or admin.',
  NOT_FOUND: 'This no longer exists, or it belongs to another organization.',
  SERVICE_UNAVAILABLE: 'The service is briefly unavailable. Try again in a moment.',
  QUERY_TOO_COMPLEX: 'That request asks for too much at once.',
  PERSISTED_QUERY_NOT_FOUND: 'This app is older than the server. Reload the page.',
  PERSISTED_QUERY_REQUIRED: 'This app is older than the server. Reload the page.',
  INTERNAL_SERVER_ERROR: 'Something went wrong on our side. Try again; if it keeps happening, tell us.',
  NETWORK: 'Cannot reach the server. Check your connection; we will keep trying.',
};

/** Turns a GraphQL error into words for a person: never raw JSON, never a stack. */
export function describe(error: GraphQLErrorShape): Problem {
  const ext = error.extensions ?? {};
  const code = typeof ext.code === 'string' ? ext.code : 'INTERNAL_SERVER_ERROR';
  const field = typeof ext.field === 'string' ? ext.field : undefined;
  if (code === 'RATE_LIMITED') {
    const retry = Number(ext.retryAfter);
    const seconds = Number.isFinite(retry) && retry > 0 ? Math.ceil(retry) : undefined;
    return {
      code,
      retryAfterSeconds: seconds,
      message: seconds
        ? `Too many requests. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`
        : 'Too many requests. Try again shortly.',
    };
  }
  // Validation messages are written for people; other codes get a fixed sentence.
  if (code === 'BAD_USER_INPUT' || code === 'CONFLICT') return { code, field, message: clean(error.message) };
  return { code, field, message: GENERIC[code] ?? clean(error.message) };
}

export function problemOf(error: CombinedError | undefined | null): Problem | null {
  if (!error) return null;
  if (error.graphQLErrors.length) return describe(error.graphQLErrors[0]!);
  return { code: 'NETWORK', message: GENERIC.NETWORK! };
}

/** Errors of a mutation by field (for the form) and the rest (for the banner). */
export function splitByField(error: CombinedError | undefined | null): {
  byField: Record<string, string>;
  general: Problem | null;
} {
  const byField: Record<string, string> = {};
  let general: Problem | null = null;
  if (!error) return { byField, general };
  if (!error.graphQLErrors.length) return { byField, general: problemOf(error) };
  for (const e of error.graphQLErrors) {
    const p = describe(e);
    if (p.field) byField[p.field] = p.message;
    else general ??= p;
  }
  return { byField, general };
}

function clean(message: string): string {
  const oneLine = message.split('\n')[0] ?? '';
  return oneLine.length > 300 ? `${oneLine.slice(0, 300)}…` : oneLine;
}
