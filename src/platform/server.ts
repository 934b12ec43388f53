import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { applyDirectResolvers } from './graphql/direct-resolvers.js';
import type { Options } from '@mikro-orm/postgresql';
import cors from 'cors';
import express from 'express';
import { WebSocketServer } from 'ws';
import type { Config } from './config.js';
import { createContext, type Context } from './context.js';
import { createDeps, type RunningDeps } from './deps.js';
import { formatErrorFor } from './errors/format-error.js';
import { authenticate, type Authentication } from './http/authenticate.js';
import { httpErrors, sendHttpError } from './http/errors.js';
import { jsonBody } from './http/json-body.js';
import { expressMessages, graphqlRoute, isGraphqlPath } from './http/graphql-route.js';
import { securityHeaders } from './http/hardening.js';
import { intakeRoutes } from './http/intake.js';
import { idempotency } from './http/idempotency.js';
import { shareRoute } from './http/share.js';
import { trackingRoutes } from './http/tracking.js';
import { twilioRoutes } from './http/twilio.js';
import { applyAuditScope } from './graphql/audit-scope.js';
import { applyWriteTracking } from './graphql/write-tracking.js';
import { jitGateway } from './graphql/jit.js';
import { landingPage } from './graphql/landing-page.js';
import { unsubscribeRoutes } from './http/unsubscribe.js';
import { webRoutes } from './http/web.js';
import { applyRateLimits } from './limits/rate-limit.js';
import { relayJobEvents } from './jobs/job-events.js';
import { createLogger, type Logger } from './observability/logger.js';
import { Metrics } from './observability/metrics.js';
import { KnownQueries, RedisKeyValueCache, TrustedDocuments } from './graphql/persisted.js';
import { apolloPlugins } from './graphql/plugins.js';
import { createRedis, createRequestRedis, redisHealth, whenReady, type Redis } from './redis.js';
import { buildAppSchema } from './graphql/schema.js';
import { startTracing, tracingPlugin } from './observability/tracing.js';
import { startWebSocket } from './ws.js';

export interface RunningServer {
  /** e.g. http://127.0.0.1:4000/graphql */
  url: string;
  wsUrl: string;
  port: number;
  deps: RunningDeps;
  metrics: Metrics;
  /**
   * Stops accepting connections and lets the requests in flight finish (WebSocket clients are told
   * 1001, going away); the rest stays up so workers can finish their jobs. `close()` calls it too.
   */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export interface ServerOptions {
  log?: Logger;
  /** Extra ORM options, e.g. an `onQuery` hook that counts statements (tests, benchmarks). */
  orm?: Partial<Options>;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;
/** A socket that has sent nothing this long after connecting is idle, not a request on its way. */
const FIRST_REQUEST_GRACE_MS = 1_000;
/** Draining waits for such sockets at most this long. */
const SETTLE_MAX_MS = 5_000;

/**
 * Resolves once every socket that connected but has not sent its first request yet is older than
 * FIRST_REQUEST_GRACE_MS (it is idle), or after SETTLE_MAX_MS: a request written just before
 * SIGTERM, not yet read by a busy process, is then read and answered instead of reset.
 */
async function settled(firstRequestPending: Map<Socket, number>): Promise<void> {
  const giveUp = Date.now() + SETTLE_MAX_MS;
  while (Date.now() < giveUp) {
    const youngest = Math.max(0, ...firstRequestPending.values());
    if (Date.now() - youngest >= FIRST_REQUEST_GRACE_MS) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Starts the API: Apollo Server for HTTP and graphql-ws for WebSocket, both on `/graphql` of one
 * port, plus `/healthz`, `/readyz`, `/metrics` and the other routes over Express. The database must
 * already be migrated. Order of the `/graphql` pipeline (http/graphql-route.ts): security headers,
 * CORS, JSON body (1 MB), token check and tenant scope, trusted documents, idempotency, Apollo (APQ,
 * query limits, rate limits, CSRF prevention).
 */
export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const log = options.log ?? createLogger(config.logLevel);
  const deps = await createDeps(config, log, options.orm);
  const redis = createRequestRedis(config);
  const healthRedis = createRedis(config, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  const metrics = new Metrics(deps);
  const tracing = startTracing(config.otlpEndpoint, config.serviceName);
  const trusted = TrustedDocuments.load(
    config.persistedOperations,
    config.persistedManifestPaths,
    config.nodeEnv === 'development',
  );
  const knownQueries = new KnownQueries();
  const apqCache = new RedisKeyValueCache(redis, `${config.redisPrefix}:apq`, trusted.manifest, knownQueries);
  const schema = await buildAppSchema(deps.pubsub.engine);
  applyDirectResolvers(schema);
  const jobEvents = relayJobEvents(deps);
  applyAuditScope(schema);
  applyWriteTracking(schema);
  if (config.rateLimits) applyRateLimits(schema, redis, config.redisPrefix, config.rateLimits);

  const app = express();
  app.disable('x-powered-by');
  // No ETag on dynamic answers: express would hash every GraphQL response body (SHA-1) for a header
  // no client revalidates with. The web client's assets keep theirs (serve-static sets its own).
  app.set('etag', false);
  app.set('trust proxy', config.trustProxy);
  // `/graphql` is answered by its own route (set once Apollo has started), everything else by Express.
  let graphql: ReturnType<typeof graphqlRoute> | undefined;
  // Slow clients (slowloris) are cut off: headers within HTTP_HEADERS_TIMEOUT_MS, the request within
  // HTTP_REQUEST_TIMEOUT_MS, checked every second. WebSocket connections are not affected once upgraded.
  const httpServer = createServer(
    {
      headersTimeout: config.httpHeadersTimeoutMs,
      requestTimeout: Math.max(config.httpRequestTimeoutMs, config.httpHeadersTimeoutMs),
      connectionsCheckingInterval: 1_000,
      ...expressMessages(app),
    },
    (req, res) => (graphql && isGraphqlPath(req.url) ? graphql(req, res) : app(req, res)),
  );
  let shuttingDown = false;
  const firstRequestPending = new Map<Socket, number>();
  httpServer.on('connection', (socket: Socket) => {
    firstRequestPending.set(socket, Date.now());
    socket.once('close', () => firstRequestPending.delete(socket));
  });
  httpServer.on('request', (req: IncomingMessage) => firstRequestPending.delete(req.socket));
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: 1024 * 1024 });
  const wsCleanup = startWebSocket(wsServer, schema, deps, trusted, metrics);

  const apollo = new ApolloServer<Context>({
    ...(config.graphqlJit ? { gateway: jitGateway(schema) } : { schema }),
    formatError: formatErrorFor({ hideSuggestions: config.nodeEnv === 'production' }),
    includeStacktraceInErrorResponses: false,
    // Compact JSON: Apollo's default pretty-prints every response (≈30% more bytes to build and send).
    stringifyResult: (value) => JSON.stringify(value),
    introspection: config.introspection,
    csrfPrevention: true,
    // The process's own SIGTERM/SIGINT handler (src/main.ts) drains and exits; Apollo's would race it.
    stopOnTerminationSignals: false,
    allowBatchedHttpRequests: false,
    parseOptions: config.queryLimits ? { maxTokens: config.queryLimits.maxTokens } : {},
    persistedQueries:
      config.persistedOperations === 'only'
        ? { cache: apqCache, ttl: null }
        : { cache: apqCache, ttl: config.apqTtlSeconds },
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await wsCleanup.dispose();
            },
          };
        },
      },
      // We set no cache hints; the plugin would otherwise wrap every field resolver.
      ApolloServerPluginCacheControlDisabled(),
      config.introspection ? landingPage() : ApolloServerPluginLandingPageDisabled(),
      ...apolloPlugins(config, log, metrics),
      ...(tracing ? [tracingPlugin(tracing.tracer)] : []),
    ],
  });
  await apollo.start();

  // The web client and explorer have their own CSP (scripts and workers from this origin).
  const { endpoint, publicEndpoint } = deps.storage.config;
  app.use(webRoutes(config, new URL(publicEndpoint ?? endpoint).origin));
  const headers = securityHeaders(config.introspection);
  const lastHandler = httpErrors(log); // body failures, bad paths, the unexpected: one JSON shape
  app.use(headers);
  graphql = graphqlRoute(
    app,
    [
      headers,
      ...(config.corsOrigins.length ? [corsFor(config)] : []),
      jsonBody(1024 * 1024),
      authenticate(deps.tokens, deps.userStates, deps.apiKeys),
      trusted.middleware(),
      idempotency(redis, config.redisPrefix, trusted, log),
    ],
    apollo,
    async (req, res) => {
      const header = req.headers['x-request-id'];
      const requestId = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
      res.setHeader('x-request-id', requestId);
      const { user, error } = res.locals.auth as Authentication;
      if (error) throw error;
      const ctxLog = () => log.child({ requestId, userId: user?.id, organizationId: user?.organizationId });
      const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
      return createContext(deps, user, requestId, ctxLog, ip, req.get('user-agent'));
    },
    lastHandler,
    knownQueries,
  );
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    if (shuttingDown) return void res.status(503).json({ status: 'draining', down: [], checks: {} });
    const checks = await readiness(deps, healthRedis);
    const down = Object.entries(checks)
      .filter(([, ok]) => !ok)
      .map(([name]) => name);
    res.status(down.length ? 503 : 200).json({ status: down.length ? 'unavailable' : 'ready', down, checks });
  });
  app.get('/share/:token', shareRoute(deps, redis));
  const unsubscribe = unsubscribeRoutes(deps);
  app.get('/u/:token', unsubscribe.get);
  app.post('/u/:token', unsubscribe.post);
  app.use('/webhooks/twilio', twilioRoutes(deps));
  app.use('/intake', intakeRoutes(deps, redis));
  const tracking = trackingRoutes(deps);
  app.get('/t/o/:token', tracking.open);
  app.get('/t/c/:token', tracking.click);
  app.get('/metrics', async (_req, res) => {
    res.setHeader('content-type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });
  // Anything else: the same JSON error shape as every other route, not Express' HTML page.
  app.use((_req, res) => sendHttpError(res, 404, 'NOT_FOUND', 'There is nothing at this address'));
  app.use(lastHandler);

  await whenReady(redis); // its commands fail fast rather than queue: connect before taking requests
  await new Promise<void>((resolve) => httpServer.listen(config.port, config.host, resolve));
  const { port } = httpServer.address() as AddressInfo;
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  const url = `http://${host}:${port}/graphql`;
  // PORT=0: the port is known only now (config computed the rest of the public URL).
  if (config.port === 0) config.publicUrl = config.publicUrl.replace(/:0$/, `:${port}`);
  log.info({ url, port, persistedOperations: trusted.mode, manifest: trusted.manifest.size }, 'api listening');

  let closed = false;
  let draining: Promise<void> | null = null;
  const drain = () =>
    (draining ??= (async () => {
      // Readiness says "draining" at once so a load balancer stops sending; requests already on their
      // way (written to a socket, not yet read) get a moment to be read before idle sockets close.
      shuttingDown = true;
      await settled(firstRequestPending);
      await apollo.stop(); // stops accepting, finishes requests in flight, closes sockets
      await closeServer(httpServer);
    })());
  return {
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    port,
    deps,
    metrics,
    drain,
    async close() {
      if (closed) return;
      closed = true;
      await drain();
      await jobEvents.close();
      healthRedis.disconnect();
      redis.disconnect();
      await tracing?.shutdown(); // flushes buffered spans
      await deps.close();
    },
  };
}

/**
 * CORS for browser clients on other origins (CORS_ORIGINS). Preflights are answered here; CSRF
 * prevention still applies, and the headers our clients send (Authorization, Apollo's preflight
 * and operation-name headers, Idempotency-Key, X-Request-Id) are allowed.
 */
function corsFor(config: Config) {
  const any = config.corsOrigins.includes('*');
  return cors({
    origin: any ? '*' : config.corsOrigins,
    credentials: config.corsCredentials,
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: [
      'authorization',
      'content-type',
      'apollo-require-preflight',
      'x-apollo-operation-name',
      'idempotency-key',
      'x-request-id',
    ],
    exposedHeaders: ['x-request-id', 'retry-after', 'idempotency-replayed'],
    maxAge: 600,
  });
}

async function readiness(deps: RunningDeps, redis: Redis): Promise<{ postgres: boolean; redis: boolean }> {
  const within = <T>(p: Promise<T>) =>
    Promise.race([p, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('timeout')), 2000))]);
  const [pgOk, redisOk] = await Promise.all([
    within(deps.orm.em.fork().getConnection().execute('select 1')).then(
      () => true,
      () => false,
    ),
    within(redis.ping()).then(
      (r) => r === 'PONG',
      (err: Error) => {
        redisHealth.report(err, 'Redis readiness check failed'); // the outage is known (and logged) at once
        return false;
      },
    ),
  ]);
  return { postgres: pgOk, redis: redisOk };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}
