import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault, ApolloServerPluginLandingPageProductionDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Options } from '@mikro-orm/postgresql';
import { WebSocketServer } from 'ws';
import { bearer, type TokenSigner, type AuthUser } from './auth/tokens.js';
import type { Config } from './config.js';
import { createContext, type Context } from './context.js';
import { AppError } from './errors/index.js';
import { formatError, isUnexpected } from './errors/format-error.js';
import { createLogger, type Logger } from './logger.js';
import { createDeps } from './deps.js';
import { createRedis, type Redis } from './redis.js';
import { buildAppSchema } from './schema.js';
import { runAsTenant } from './tenancy/tenant-context.js';
import type { AppDeps } from './services/index.js';

export interface RunningServer {
  /** e.g. http://127.0.0.1:4000/graphql */
  url: string;
  wsUrl: string;
  port: number;
  deps: AppDeps;
  close(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * Starts the API: Apollo Server over Express for HTTP and graphql-ws for WebSocket, both on
 * `/graphql` of one port, plus `/healthz` and `/readyz`. The database must already be migrated.
 */
export interface ServerOptions {
  log?: Logger;
  /** Extra ORM options, e.g. an `onQuery` hook that counts statements (tests, benchmarks). */
  orm?: Partial<Options>;
}

export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const log = options.log ?? createLogger(config.logLevel);
  const deps = await createDeps(config, log, options.orm);
  const healthRedis = createRedis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  const schema = await buildAppSchema(deps.pubsub.engine);

  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: 1024 * 1024 });
  const wsCleanup = startWebSocket(wsServer, schema, deps);

  const apollo = new ApolloServer<Context>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    introspection: config.nodeEnv !== 'production',
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // We set no cache hints; the plugin would otherwise wrap every field resolver.
      ApolloServerPluginCacheControlDisabled(),
      { async serverWillStart() { return { async drainServer() { await wsCleanup.dispose(); } }; } },
      requestLogPlugin(log),
      config.nodeEnv === 'production'
        ? ApolloServerPluginLandingPageProductionDefault({ footer: false })
        : ApolloServerPluginLandingPageLocalDefault({ embed: true, footer: false }),
    ],
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks = await readiness(deps, healthRedis);
    const down = Object.entries(checks).filter(([, ok]) => !ok).map(([name]) => name);
    res.status(down.length ? 503 : 200).json({ status: down.length ? 'unavailable' : 'ready', down, checks });
  });
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    authenticate(deps.tokens),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const header = req.headers['x-request-id'];
        const requestId = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
        res.setHeader('x-request-id', requestId);
        const { user, error } = res.locals.auth as Authentication;
        if (error) throw error;
        const ctxLog = log.child({ requestId, userId: user?.id, organizationId: user?.organizationId });
        return createContext(deps, user, requestId, ctxLog);
      },
    }),
  );

  await new Promise<void>((resolve) => httpServer.listen(config.port, config.host, resolve));
  const { port } = httpServer.address() as AddressInfo;
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  const url = `http://${host}:${port}/graphql`;
  log.info({ url, port }, 'api listening');

  let closed = false;
  return {
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    port,
    deps,
    async close() {
      if (closed) return;
      closed = true;
      await apollo.stop(); // drains HTTP connections and WebSocket clients
      await closeServer(httpServer);
      healthRedis.disconnect();
      await deps.close();
    },
  };
}

interface Authentication {
  user: AuthUser | null;
  error?: GraphQLError;
}

/**
 * Verifies the bearer token ahead of Apollo and runs the rest of the request in the caller's
 * tenant scope, so every database connection it reserves carries the caller's organization.
 * A bad token is refused (401) rather than silently downgraded to anonymous.
 */
function authenticate(tokens: TokenSigner): express.RequestHandler {
  return (req, res, next) => {
    const token = bearer(req.headers.authorization);
    if (!token) {
      res.locals.auth = { user: null } satisfies Authentication;
      return next();
    }
    tokens.verifyAccess(token).then(
      (user) => {
        res.locals.auth = { user } satisfies Authentication;
        runAsTenant(user.organizationId, next);
      },
      (err: unknown) => {
        const message = err instanceof AppError ? err.message : 'Invalid access token';
        res.locals.auth = { user: null, error: new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } }) } satisfies Authentication;
        next();
      },
    );
  };
}

/**
 * graphql-ws on the shared HTTP server. Sockets authenticate once in `connection_init`
 * (`connectionParams.authorization`, with or without "Bearer "); a missing, invalid or expired
 * token closes the socket with 4403.
 */
function startWebSocket(wsServer: WebSocketServer, schema: GraphQLSchema, deps: AppDeps) {
  type Extra = { user?: AuthUser; socketId: string };
  return useServer<Record<string, unknown> | undefined, Extra>(
    {
      schema,
      onConnect: async (ctx) => {
        const raw = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization ?? ctx.connectionParams?.token;
        const token = typeof raw === 'string' ? (bearer(raw) ?? raw) : null;
        if (!token) return false;
        try {
          ctx.extra.user = await deps.tokens.verifyAccess(token);
          ctx.extra.socketId = randomUUID();
          return true;
        } catch {
          return false;
        }
      },
      context: (ctx) => {
        const user = ctx.extra.user ?? null;
        const requestId = randomUUID();
        return createContext(deps, user, requestId, deps.log.child({ requestId, socketId: ctx.extra.socketId, userId: user?.id, organizationId: user?.organizationId }));
      },
      onNext: (_ctx, _id, _payload, _args, result) => {
        if (!('errors' in result) || !result.errors?.length) return result;
        for (const e of result.errors) if (isUnexpected(e)) deps.log.error({ err: e.originalError ?? e }, 'subscription error');
        // graphql-ws sends what we return; formatted errors are what must reach the client.
        return { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e)) } as unknown as typeof result;
      },
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => formatError(e.toJSON(), e)) as never,
    },
    wsServer,
  );
}

/** Logs each operation with its request id; unexpected errors are logged with their stack here only. */
function requestLogPlugin(log: Logger): ApolloServerPlugin<Context> {
  return {
    // Failures while building the context never reach didEncounterErrors; a bad token is expected.
    async contextCreationDidFail({ error }) {
      if (isUnexpected(error)) log.error({ err: error }, 'context creation failed');
    },
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      return {
        async didEncounterErrors({ errors, contextValue: ctx }) {
          for (const e of errors) {
            if (isUnexpected(e)) ctx.log.error({ err: e.originalError ?? e, path: e.path }, 'unexpected error');
          }
        },
        async willSendResponse({ response, operationName, operation }) {
          if (response.body.kind === 'single' && response.body.singleResult.errors) {
            for (const e of response.body.singleResult.errors as unknown as { extensions?: Record<string, unknown> }[]) {
              e.extensions = { ...e.extensions, requestId: contextValue.requestId };
            }
          }
          contextValue.log.info(
            { operationName, operationType: operation?.operation, ms: Math.round(performance.now() - started) },
            'graphql operation',
          );
        },
      };
    },
  };
}

async function readiness(deps: AppDeps, redis: Redis): Promise<{ postgres: boolean; redis: boolean }> {
  const within = <T>(p: Promise<T>) => Promise.race([p, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('timeout')), 2000))]);
  const [pgOk, redisOk] = await Promise.all([
    within(deps.orm.em.fork().getConnection().execute('select 1')).then(() => true, () => false),
    within(redis.ping()).then((r) => r === 'PONG', () => false),
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
