import type express from 'express';
import { GraphQLError } from 'graphql';
import { bearer, type AuthUser, type TokenSigner } from '../auth/tokens.js';
import { AppError } from '../errors/index.js';
import { runAsTenant } from '../tenancy/tenant-context.js';
import type { UserStates } from '../auth/user-state.js';
import { isApiKey, type ApiKeys } from '../auth/api-keys.js';

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
export function authenticate(tokens: TokenSigner, users: UserStates, apiKeys: ApiKeys): express.RequestHandler {
  return (req, res, next) => {
    const token = bearer(req.headers.authorization);
    if (!token) {
      res.locals.auth = { user: null } satisfies Authentication;
      return next();
    }
    verifyBearer(token, tokens, users, apiKeys).then(
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

/** An access token (JWT of a signed-in user) or an API key (`reos_live_…`): who is calling, or UNAUTHENTICATED. */
export async function verifyBearer(
  token: string,
  tokens: TokenSigner,
  users: UserStates,
  apiKeys: ApiKeys,
): Promise<AuthUser> {
  if (isApiKey(token)) return apiKeys.verify(token);
  const user = await tokens.verifyAccess(token);
  await users.assertCurrent(user);
  return user;
}
