import { unwrapResolverError } from '@apollo/server/errors';
import { isConnectionError } from '../redis.js';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AppError } from './index.js';

/** Codes whose messages come from GraphQL itself (parsing, validation, variable coercion): safe to show. */
const PROTOCOL_CODES = new Set([
  'QUERY_TOO_COMPLEX',
  'PERSISTED_QUERY_REQUIRED',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/** Our own codes, when raised as a GraphQLError outside a resolver (e.g. a bad token at context creation). */
const APP_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'RATE_LIMITED']);

export const INTERNAL_MESSAGE = 'Internal server error';

/**
 * Client mistakes that graphql-js and Apollo report without a code: an argument given null or a bad
 * value during execution (e.g. `null` for `first: Int! = 20` through a nullable variable), and APQ
 * requests Apollo refuses. Their messages name only the client's own input.
 */
const CLIENT_MISTAKES: [RegExp, string][] = [
  [/^Argument "[^"]+" (of (non-null )?type "[^"]+" must not be null|has invalid value)/, 'BAD_USER_INPUT'],
  [
    /^Variable "\$[^"]+" (got invalid value|of (non-null )?type "[^"]+" (must not be null|was not provided))/,
    'BAD_USER_INPUT',
  ],
  // graphql-js stops checking variables after 50 errors and says so in an error of its own.
  [/^Too many errors processing variables, error limit reached/, 'BAD_USER_INPUT'],
  [/^(Unsupported persisted query version|provided sha does not match query)/, 'BAD_REQUEST'],
];

/**
 * The one place errors become client-facing. Domain errors keep their code and message; GraphQL's
 * own errors keep theirs; everything else (database, bugs) becomes "Internal server error" with no
 * stack or SQL. `isUnexpected` tells the caller which ones to log.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const base = { locations: formatted.locations, path: formatted.path };
  const app = appErrorOf(error);
  if (app) return { ...base, message: app.message, extensions: { ...app.extensions, code: app.code } };
  const original = unwrapResolverError(error);
  if (original instanceof Error && !(original instanceof GraphQLError) && isConnectionError(original)) {
    // Redis away (or a command that timed out): what the request needed is briefly missing, not a bug.
    return { ...base, message: REDIS_AWAY, extensions: { code: 'SERVICE_UNAVAILABLE' } };
  }
  const code = formatted.extensions?.code;
  const thrownBy = error instanceof GraphQLError ? error.originalError : undefined;
  const fromGraphQL = error instanceof GraphQLError && (!thrownBy || thrownBy instanceof GraphQLError);
  if (fromGraphQL && typeof code === 'string' && (PROTOCOL_CODES.has(code) || APP_CODES.has(code))) {
    const { stacktrace: _s, exception: _e, http: _h, ...details } = formatted.extensions ?? {};
    return { ...base, message: formatted.message, extensions: { ...details, code } };
  }
  const mistake = fromGraphQL ? CLIENT_MISTAKES.find(([pattern]) => pattern.test(formatted.message)) : undefined;
  if (mistake) return { ...base, message: formatted.message, extensions: { code: mistake[1] } };
  // Parse/validation errors produced by graphql-js itself (e.g. on the WebSocket path) carry no code.
  if (fromGraphQL && code === undefined && !formatted.path) {
    return { ...base, message: formatted.message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } };
  }
  return { ...base, message: INTERNAL_MESSAGE, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

export const REDIS_AWAY = 'A service this request needs is briefly unavailable; try again in a few seconds';

function appErrorOf(error: unknown): AppError | null {
  const original = unwrapResolverError(error);
  if (original instanceof AppError) return original;
  if (original instanceof GraphQLError && original.originalError instanceof AppError) return original.originalError;
  return null;
}

/**
 * `formatError` for one deployment: hides "Did you mean …?" field suggestions in production (they
 * reveal the schema), and reports a document over the token limit as QUERY_TOO_COMPLEX.
 */
export function formatErrorFor(options: { hideSuggestions: boolean }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const out = formatError(formatted, error);
    const tokens = /Document contains more tha[nt] (\d+) tokens/.exec(out.message); // graphql-js says "more that"
    if (tokens && out.extensions?.code === 'GRAPHQL_PARSE_FAILED') {
      return {
        ...out,
        message: `Query is too complex: more than ${tokens[1]} tokens`,
        extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'tokens', max: Number(tokens[1]) },
      };
    }
    if (options.hideSuggestions && out.message.includes('Did you mean')) {
      return { ...out, message: out.message.replace(/ ?Did you mean .*$/, '') };
    }
    return out;
  };
}

/** True for errors that are bugs or outages rather than the client's doing. */
export function isUnexpected(error: unknown): boolean {
  if (appErrorOf(error)) return false;
  if (error instanceof GraphQLError && CLIENT_MISTAKES.some(([pattern]) => pattern.test(error.message))) return false;
  return !(error instanceof GraphQLError && (!error.originalError || error.originalError instanceof GraphQLError));
}
