/**
 * Domain errors. Services throw these; `formatError` (the only place codes are mapped) turns
 * them into GraphQL errors with a stable `extensions.code`. Anything else is masked.
 */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A field-level validation failure; `field` is the input path, e.g. `input.phone`. */
export class ValidationError extends AppError {
  constructor(message: string, field?: string, extra: Record<string, unknown> = {}) {
    super('BAD_USER_INPUT', message, { ...(field ? { field } : {}), ...extra });
  }
}

export class NotFoundError extends AppError {
  constructor(entity: string, id: string) {
    super('NOT_FOUND', `${entity} ${id} not found`, { entity, id });
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'Authentication required') {
    super('UNAUTHENTICATED', message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'You do not have permission to do this') {
    super('FORBIDDEN', message);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super('CONFLICT', message, extensions);
  }
}

/** An outside provider (property data, geocoding…) is down or too slow; retrying later may work. */
export class ServiceUnavailableError extends AppError {
  constructor(message: string) {
    super('SERVICE_UNAVAILABLE', message);
  }
}

/**
 * A unique index refused a row (Postgres 23505, which MikroORM wraps as
 * UniqueConstraintViolationException). The one test for it: callers turn it into the domain answer
 * (the existing row, a retry, or BAD_USER_INPUT naming the field).
 */
export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string })?.code === '23505' || (err as Error)?.name === 'UniqueConstraintViolationException';
}
