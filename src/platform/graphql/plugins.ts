import type {
  ApolloServerPlugin,
  GraphQLRequestContextDidResolveOperation,
  GraphQLRequestContextWillSendResponse,
} from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { Config } from '../config.js';
import type { Context } from '../context.js';
import { isUnexpected } from '../errors/format-error.js';
import { checkQueryLimits } from '../limits/query-limits.js';
import { checkTextInputs } from '../limits/text-inputs.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';

type Resolved = GraphQLRequestContextDidResolveOperation<Context>;
type Responding = GraphQLRequestContextWillSendResponse<Context>;

/**
 * The API's Apollo plugin: operation logging (request id, organization, user, operation; slow
 * operations at warn) and metrics, the operation's kind on the context, text-input and query limits
 * with variables applied, subscriptions refused over HTTP, GraphQL-over-HTTP status codes, HTTP 429
 * when every root field was rate limited, and cache headers for GET queries.
 *
 * One plugin whose hooks run the parts below in order, rather than a plugin per part: Apollo calls
 * every plugin's `requestDidStart` and then every listener's hook at each stage of every request,
 * each an async call, whether or not it has anything to do.
 */
export function apolloPlugins(config: Config, log: Logger, metrics: Metrics): ApolloServerPlugin<Context>[] {
  // Run in this order when the operation is resolved; the first to throw answers.
  const onResolved = [operationType, httpOnlyOperations, queryLimits(config)];
  // Run in this order on every response: the log sees the codes before the status is adjusted.
  const onResponse = [legacyJsonStatus, rateLimitStatus, getCaching(config)];
  const logged = operationLog(config, log, metrics);
  return [
    {
      // Failures while building the context never reach didEncounterErrors; a bad token is expected.
      async contextCreationDidFail({ error }) {
        if (isUnexpected(error)) log.error({ err: error }, 'context creation failed');
      },
      async requestDidStart() {
        const started = performance.now();
        return {
          async didResolveOperation(ctx) {
            for (const part of onResolved) part(ctx);
          },
          async didEncounterErrors({ errors, contextValue }) {
            for (const e of errors) {
              if (isUnexpected(e))
                contextValue.log.error({ err: e.originalError ?? e, path: e.path }, 'unexpected error');
            }
          },
          async willSendResponse(ctx) {
            logged(ctx, started);
            for (const part of onResponse) part(ctx);
          },
        };
      },
    },
  ];
}

/** Tells the context which kind of operation it serves (queries may read lists and analytics from replicas). */
function operationType({ operation, contextValue }: Resolved): void {
  contextValue.operation.type = operation?.operation; // shared with the context's copies
}

/** The operation line (and metrics): request id on every error, slow operations at warn. */
function operationLog(config: Config, log: Logger, metrics: Metrics) {
  return ({ response, operationName, operation, contextValue }: Responding, started: number): void => {
    const codes: string[] = [];
    if (response.body.kind === 'single' && response.body.singleResult.errors) {
      for (const e of response.body.singleResult.errors as unknown as {
        extensions?: Record<string, unknown>;
      }[]) {
        e.extensions = { ...e.extensions, requestId: contextValue.requestId };
        codes.push(String(e.extensions.code ?? 'UNKNOWN'));
      }
    }
    const ms = performance.now() - started;
    const type = operation?.operation ?? 'unknown';
    metrics.observeOperation(operationName ?? 'anonymous', type, ms / 1000, codes);
    const entry = { operationName, operationType: type, ms: Math.round(ms) };
    if (ms > config.slowOperationMs) contextValue.log.warn(entry, 'slow graphql operation');
    // The same fields as the operation's child logger would write, without making one per request.
    else if (log.isLevelEnabled('info')) log.info({ ...operationFields(contextValue), ...entry }, 'graphql operation');
  };
}

/** What an operation's logger binds (see the context in server.ts). */
function operationFields(ctx: Context): Record<string, unknown> {
  return { requestId: ctx.requestId, userId: ctx.user?.id, organizationId: ctx.user?.organizationId };
}

/** Request errors that the GraphQL-over-HTTP spec answers with 200 to a client that accepts only application/json. */
const REQUEST_ERROR_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT']);

/**
 * HTTP is for queries and mutations: a subscription sent over HTTP is refused with a clear
 * BAD_REQUEST naming the WebSocket endpoint (graphql-ws). Text inputs are checked here too.
 */
function httpOnlyOperations({ operation, document, request }: Resolved): void {
  checkTextInputs(document, request.variables);
  if (operation?.operation !== 'subscription') return;
  throw new GraphQLError('Subscriptions are served over WebSocket at /graphql (graphql-ws protocol), not over HTTP', {
    extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
  });
}

/**
 * Parse, validation and variable-coercion failures answer 200 to clients that accept only
 * `application/json` (GraphQL over HTTP, "legacy" media type), and stay 400 for
 * `application/graphql-response+json` and clients that name no type.
 */
function legacyJsonStatus({ response, request }: Responding): void {
  if (response.http.status !== 400 || response.body.kind !== 'single') return;
  if (!acceptsOnlyJson(request.http?.headers.get('accept'))) return;
  const errors = response.body.singleResult.errors ?? [];
  if (errors.length && errors.every((e) => REQUEST_ERROR_CODES.has(String(e.extensions?.code))))
    response.http.status = 200;
}

function acceptsOnlyJson(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.split(',').map((t) => t.split(';')[0]!.trim().toLowerCase());
  return types.includes('application/json') && !types.includes('application/graphql-response+json');
}

function queryLimits(config: Config): (ctx: Resolved) => void {
  const limits = config.queryLimits;
  return ({ document, operation, request }) => {
    if (limits && operation) checkQueryLimits(document, operation, request.variables, limits);
  };
}

/** When nothing was answered because of rate limits, say so at the HTTP level: 429 + Retry-After. */
function rateLimitStatus({ response }: Responding): void {
  if (response.body.kind !== 'single') return;
  const { data, errors } = response.body.singleResult;
  if (!errors?.length || !errors.every((e) => e.extensions?.code === 'RATE_LIMITED')) return;
  const answered = data && Object.values(data).some((v) => v !== null);
  if (answered) return;
  const retryAfter = Math.max(...errors.map((e) => Number(e.extensions?.retryAfter) || 1));
  response.http.status = 429;
  response.http.headers.set('retry-after', String(retryAfter));
}

/** GET queries (typically hashed, persisted ones) may be kept briefly by the client's own cache. */
function getCaching(config: Config): (ctx: Responding) => void {
  return ({ response, operation, request }) => {
    if (request.http?.method !== 'GET' || operation?.operation !== 'query') return;
    if (response.body.kind !== 'single' || response.body.singleResult.errors) return;
    // Responses depend on who is asking (Authorization): cacheable only by the client.
    response.http.headers.set('cache-control', `private, max-age=${config.getCacheMaxAgeSeconds}`);
    response.http.headers.set('vary', 'Authorization');
  };
}
