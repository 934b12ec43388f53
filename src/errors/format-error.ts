import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AppError } from './index.js';

/** Codes whose messages come from GraphQL itself (parsing, validation, variable coercion): safe to show. */
const PROTOCOL_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

export const INTERNAL_MESSAGE = 'Internal server error';

/**
 * The one place errors become client-facing. Domain errors keep their code and message; GraphQL's
 * own errors keep theirs; everything else (database, bugs) becomes "Internal server error" with no
 * stack or SQL. Returns whether the error was unexpected so the caller can log it.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const base = { locations: formatted.locations, path: formatted.path };
  if (original instanceof AppError) {
    return { ...base, message: original.message, extensions: { ...original.extensions, code: original.code } };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && PROTOCOL_CODES.has(code)) {
    return { ...base, message: formatted.message, extensions: { code } };
  }
  // Parse/validation errors produced by graphql-js itself (e.g. on the WebSocket path).
  if (error instanceof GraphQLError && !error.originalError && !error.path) {
    return { ...base, message: formatted.message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } };
  }
  return { ...base, message: INTERNAL_MESSAGE, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/** True for errors that are bugs or outages rather than the client's doing. */
export function isUnexpected(error: unknown): boolean {
  const original = unwrapResolverError(error);
  if (original instanceof AppError) return false;
  return !(error instanceof GraphQLError && !error.originalError);
}
