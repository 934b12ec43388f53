import type express from 'express';
import { GraphQLError } from 'graphql';
import { bearer, type AuthUser, type TokenSigner } from '../auth/tokens.js';
import { AppError } from '../errors/index.js';
import { runAsTenant } from '../tenancy/tenant-context.js';
import type { UserStates } from '../auth/user-state.js';

export interface Authentication {
  user: AuthUser | null;
  error?: GraphQLError;
}

/**
 * Verifies the bearer token ahead of Apollo and runs the rest of the request in the caller's
 * tenant scope, so every database connection it reserves carries the caller's organization.
 * A bad token — or one of a deactivated user, or issued before their role changed — is refused
 * (401) rather than silently downgraded to anonymous.
 */
export function authenticate(tokens: TokenSigner, users: UserStates): express.RequestHandler {
  return (req, res, next) => {
    const token = bearer(req.headers.authorization);
    if (!token) {
      res.locals.auth = { user: null } satisfies Authentication;
      return next();
    }
    tokens
      .verifyAccess(token)
      .then(async (user) => (await users.assertCurrent(user), user))
      .then(
        (user) => {
          res.locals.auth = { user } satisfies Authentication;
          runAsTenant(user.organizationId, next);
        },
        (err: unknown) => {
          const message = err instanceof AppError ? err.message : 'Invalid access token';
          res.locals.auth = {
            user: null,
            error: new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } }),
          } satisfies Authentication;
          next();
        },
      );
  };
}
