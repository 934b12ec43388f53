import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  execute,
  GraphQLError,
  parse,
  specifiedRules,
  subscribe,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { FanoutHub, isAsyncIterable, type Member } from './graphql/fanout.js';
import { fanoutKey } from './graphql/fanout-key.js';
import type { WebSocket, WebSocketServer } from 'ws';
import { bearer, type AuthUser } from './auth/tokens.js';
import { isApiKey } from './auth/api-keys.js';
import { UnauthenticatedError } from './errors/index.js';
import { verifyBearer } from './http/authenticate.js';
import { createContext, type Context } from './context.js';
import { formatErrorFor, isUnexpected } from './errors/format-error.js';
import { checkQueryLimits, selectOperation, tooComplex } from './limits/query-limits.js';
import { checkTextInputs } from './limits/text-inputs.js';
import type { Metrics } from './observability/metrics.js';
import type { TrustedDocuments } from './graphql/persisted.js';
import { runAsTenant, scopedIterable } from './tenancy/tenant-context.js';
import type { AppDeps } from './deps.js';

type Extra = {
  socket: WebSocket;
  request: IncomingMessage;
  user?: AuthUser;
  socketId?: string;
  subscriptions?: Set<string>;
};

/**
 * graphql-ws on the shared HTTP server. Sockets authenticate once in `connection_init`
 * (`connectionParams.authorization`, with or without "Bearer "); a missing, invalid or expired token
 * closes the socket with 4403, and more than WS_MAX_CONNECTIONS_PER_USER sockets per user with 4429.
 * Every operation gets the checks HTTP requests get (trusted documents, tokens, validation, query
 * limits), since Apollo's plugins do not run here. Every operation runs in the user's tenant scope
 * (a subscription's every event too), as an HTTP request does.
 */
export function startWebSocket(
  wsServer: WebSocketServer,
  schema: GraphQLSchema,
  deps: AppDeps,
  trusted: TrustedDocuments,
  metrics: Metrics,
) {
  const { config, log } = deps;
  const perUser = new Map<string, number>();
  // Every authenticated socket: checked every SESSION_CHECK_MS, closed with 4403 once its user is
  // deactivated or its token's epoch has passed (a role change).
  // A socket signed in with an API key is checked by its key (revoked, expired, creator deactivated).
  const live = new Map<WebSocket, { user: AuthUser; apiKey?: string }>();
  const stillValid = ({ user, apiKey }: { user: AuthUser; apiKey?: string }) =>
    apiKey
      ? deps.apiKeys.verify(apiKey).then(
          () => true,
          (err: unknown) => !(err instanceof UnauthenticatedError),
        )
      : deps.userStates.current(user);
  const sweep = setInterval(() => {
    for (const [socket, who] of live)
      stillValid(who).then(
        (ok) => ok || socket.close(4403, 'Forbidden: this session has ended'),
        () => undefined, // the database is unreachable: keep the socket, check again next time
      );
  }, config.sessionCheckMs);
  sweep.unref();
  const format = formatErrorFor({ hideSuggestions: config.nodeEnv === 'production' });
  // graphql-ws serializes errors with toJSON; make that the formatted (masked, coded) form.
  const fail = (...errors: GraphQLError[]) =>
    errors.map((e) => {
      const formatted = format(e.toJSON(), e);
      return Object.assign(e, { toJSON: () => formatted });
    });
  const hub = new FanoutHub({
    maxBufferedBytes: config.wsMaxBufferedBytes,
    log,
    formatErrors: (errors) =>
      errors.map((e) => {
        if (isUnexpected(e)) log.error({ err: e.originalError ?? e }, 'subscription error');
        return format(e.toJSON(), e);
      }),
    onSlowConsumer: () => metrics.slowConsumers.inc(),
  });
  // A subscription's fan-out key and socket, by its context (set in onSubscribe, read in subscribe).
  const members = new WeakMap<object, Member & { key: string }>();
  /** Joins the shared stream of the operation's key; the stream runs with a context of its own. */
  const subscribeShared = (args: ExecutionArgs) => {
    const context = args.contextValue as Context;
    const member = members.get(context);
    if (!member || !context.user) return inTenant(args, subscribe);
    const user = context.user;
    return hub.join(member.key, member, () => {
      const requestId = randomUUID();
      const shared = createContext(
        deps,
        user,
        requestId,
        log.child({ requestId, organizationId: user.organizationId }),
      );
      return inTenant({ ...args, contextValue: shared }, subscribe);
    });
  };

  const server = useServer<Record<string, unknown> | undefined, Extra>(
    {
      schema,
      execute: (args) => inTenant(args, execute),
      subscribe: subscribeShared,
      onConnect: async (ctx) => {
        const raw =
          ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization ?? ctx.connectionParams?.token;
        const token = typeof raw === 'string' ? (bearer(raw) ?? raw) : null;
        if (!token) return false;
        let user: AuthUser;
        try {
          user = await verifyBearer(token, deps.tokens, deps.userStates, deps.apiKeys);
        } catch {
          return false;
        }
        const open = perUser.get(user.apiKeyId ?? user.id) ?? 0;
        if (open >= config.wsMaxConnectionsPerUser) {
          ctx.extra.socket.close(4429, 'Too many connections');
          return false;
        }
        perUser.set(user.apiKeyId ?? user.id, open + 1);
        live.set(ctx.extra.socket, { user, apiKey: isApiKey(token) ? token : undefined });
        Object.assign(ctx.extra, { user, socketId: randomUUID(), subscriptions: new Set<string>() });
        return true;
      },
      onClose: (ctx) => {
        live.delete(ctx.extra.socket);
        const user = ctx.extra.user;
        if (!user) return;
        const left = (perUser.get(user.apiKeyId ?? user.id) ?? 1) - 1;
        if (left > 0) perUser.set(user.apiKeyId ?? user.id, left);
        else perUser.delete(user.apiKeyId ?? user.id);
        metrics.activeSubscriptions.dec(ctx.extra.subscriptions?.size ?? 0);
        ctx.extra.subscriptions?.clear();
      },
      onSubscribe: (ctx, id, payload) => {
        const hash = (payload.extensions?.persistedQuery as { sha256Hash?: string } | undefined)?.sha256Hash;
        const resolved = trusted.resolve(payload.query || undefined, hash);
        if (resolved.error) return fail(resolved.error);
        if (!resolved.query)
          return fail(
            new GraphQLError('Send a query or a known persisted-query hash', {
              extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' },
            }),
          );
        let document: DocumentNode;
        try {
          document = parse(resolved.query, { maxTokens: config.queryLimits?.maxTokens });
        } catch (err) {
          const e = err as GraphQLError;
          const tokens = /more tha[nt] (\d+) tokens/.exec(e.message); // graphql-js says "more that"
          return fail(tokens ? tooComplex('maxTokens', Number(tokens[1]), Number(tokens[1]) + 1) : e);
        }
        const errors = validate(schema, document, specifiedRules);
        if (errors.length) return fail(...errors);
        const operation = selectOperation(document, payload.operationName);
        if (!operation)
          return fail(new GraphQLError('Name the operation to run', { extensions: { code: 'BAD_USER_INPUT' } }));
        try {
          checkTextInputs(document, payload.variables);
          if (config.queryLimits)
            checkQueryLimits(document, operation, payload.variables ?? undefined, config.queryLimits);
        } catch (err) {
          return fail(err as GraphQLError);
        }
        const user = ctx.extra.user ?? null;
        const requestId = randomUUID();
        const contextValue = createContext(
          deps,
          user,
          requestId,
          log.child({
            requestId,
            socketId: ctx.extra.socketId,
            userId: user?.id,
            organizationId: user?.organizationId,
          }),
          ctx.extra.request.socket.remoteAddress ?? 'unknown',
        );
        if (operation.operation === 'subscription') {
          ctx.extra.subscriptions?.add(id);
          metrics.activeSubscriptions.inc();
          if (user) {
            const key = fanoutKey(schema, document, operation, resolved.query, payload.variables, user);
            members.set(contextValue, { id, socket: ctx.extra.socket, key });
          }
        }
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue,
        };
      },
      onComplete: (ctx, id) => {
        if (ctx.extra.subscriptions?.delete(id)) metrics.activeSubscriptions.dec();
      },
      onNext: (_ctx, _id, _payload, _args, result) => {
        if (!('errors' in result) || !result.errors?.length) return result;
        for (const e of result.errors)
          if (isUnexpected(e)) log.error({ err: e.originalError ?? e }, 'subscription error');
        // graphql-ws sends what we return; formatted errors are what must reach the client.
        return { ...result, errors: result.errors.map((e) => format(e.toJSON(), e)) } as unknown as typeof result;
      },
    },
    wsServer,
  );
  return {
    async dispose() {
      clearInterval(sweep);
      await server.dispose();
    },
  };
}

/** Runs an operation in its user's tenant scope; a subscription's event stream stays in it. */
async function inTenant<R extends ExecutionResult | AsyncIterable<ExecutionResult>>(
  args: ExecutionArgs,
  run: (args: ExecutionArgs) => R | Promise<R>,
): Promise<ExecutionResult | AsyncIterable<ExecutionResult>> {
  const organizationId = (args.contextValue as Context).user?.organizationId;
  if (!organizationId) return run(args);
  const result = await runAsTenant(organizationId, () => run(args));
  return isAsyncIterable<ExecutionResult>(result) ? scopedIterable(organizationId, result) : result;
}
