/**
 * Environment parsed and validated once. Anything wrong fails fast with one message that names
 * every bad variable, so a misconfigured deploy never half-starts.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from './limits/query-limits.js';

export type NodeEnv = 'development' | 'test' | 'production';

export interface Config {
  nodeEnv: NodeEnv;
  host: string;
  port: number;
  /** Connection string of the unprivileged application role (subject to row-level security). */
  databaseUrl: string;
  /** Connection string of the table owner, used only to create the database and run migrations. */
  databaseOwnerUrl: string;
  /**
   * Streaming replicas (app role), comma-separated in DATABASE_REPLICA_URLS: GraphQL queries read
   * lists and analytics from them once they have replayed the organization's last write.
   */
  databaseReplicaUrls: string[];
  /** Role the API and workers connect as; created by the migrate step when missing. */
  dbAppRole: string;
  dbPoolMax: number;
  /** One Redis URL, or with `redisCluster` a comma-separated list of cluster nodes to discover the cluster from. */
  redisUrl: string;
  /** Redis Cluster: queues hash-tagged per queue, pub/sub sharded (SPUBLISH/SSUBSCRIBE) per channel. */
  redisCluster: boolean;
  /** Namespace for BullMQ queues and pub/sub channels; tests use a unique one each. */
  redisPrefix: string;
  jwtSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  invitationTtlHours: number;
  geocoder: 'offline' | 'http';
  geocoderUrl: string | undefined;
  logLevel: string;
  /** Run the BullMQ workers inside the API process (local default). */
  runWorkers: boolean;
  /**
   * Where links we hand out point (share, unsubscribe, tracking, SMS callbacks): PUBLIC_URL, else
   * this server's own address. Computed here once; only a port chosen at listen time (PORT=0) is
   * filled in by the server.
   */
  publicUrl: string;
  /** Introspection and the Sandbox page (default: on except in production). */
  introspection: boolean;
  /** Depth/alias/directive/cost/token limits; `null` when PROTECTIONS=off (benchmark baseline only). */
  queryLimits: QueryLimits | null;
  /** Per-field rate limits; `null` when PROTECTIONS=off. */
  /**
   * Per-user limits per root field; `authMultiplier` scales the per-IP limits of sign-in fields (login, register, ...).
   */
  rateLimits: { queriesPerMinute: number; mutationsPerMinute: number; authMultiplier: number } | null;
  /** Trusted documents: `off` (APQ only), `allow` (manifest or ad-hoc), `only` (manifest only). */
  persistedOperations: 'off' | 'allow' | 'only';
  /** Trusted-document manifests (hash -> document): the SDK's and the web client's. */
  persistedManifestPaths: string[];
  apqTtlSeconds: number;
  /** Operations slower than this are logged at warn. */
  slowOperationMs: number;
  wsMaxConnectionsPerUser: number;
  /** Unsent bytes a socket may hold before it is closed as a slow consumer (code 4413). */
  wsMaxBufferedBytes: number;
  /** Express `trust proxy`, so `req.ip` is the client behind a load balancer. */
  trustProxy: string | false;
  /** Slow clients: headers must arrive within this, the whole request within `httpRequestTimeoutMs`. */
  httpHeadersTimeoutMs: number;
  httpRequestTimeoutMs: number;
  /** Browser origins allowed to call /graphql across origins (CORS); empty: same origin only. `*` allows any. */
  corsOrigins: string[];
  /** Send Access-Control-Allow-Credentials (cookies, HTTP auth) to the listed origins; never with `*`. */
  corsCredentials: boolean;
  /** Seconds a GET (hashed) query response may be kept by the client's cache. */
  getCacheMaxAgeSeconds: number;
  /** OTLP/HTTP collector base URL; tracing is off when unset. */
  otlpEndpoint: string | undefined;
  serviceName: string;
  /** Hosted property data (comps, hazards, owner facts); the offline data set when unset. */
  propertyDataUrl: string | undefined;
  propertyDataApiKey: string | undefined;
  /** S3-protocol storage; when no endpoint is set, an s3rver on loopback stores files in localS3Dir. */
  s3: {
    endpoint: string | undefined;
    publicEndpoint: string | undefined;
    accessKey: string;
    secretKey: string;
    bucket: string;
    region: string;
  };
  localS3Dir: string;
  /** The built web client (`npm run web:build`), served at /app and /graphiql. */
  webDir: string;
  /** How long a memo's presigned download URL works. */
  memoDownloadTtlSeconds: number;
  /** Attempts per job and the first retry delay (exponential with jitter after that). */
  jobAttempts: number;
  jobBackoffMs: number;
  /** How long a worker's lock on a job lasts; a job whose worker died is picked up again after about this long. */
  jobLockMs: number;
  /** How long a job waits out an unreachable Postgres before the failure counts as an attempt. */
  jobDatabaseWaitMs: number;
  /** A campaign send claimed this long ago by a worker that never finished it is sent again (same Message-ID). */
  sendClaimStaleMs: number;
  /** How often a worker process sweeps the reminder outbox (tasks whose reminder job was never queued). */
  reminderSweepMs: number;
  /** How long a due sequence step may go without its job before the sweep queues it again. */
  sequenceSweepGraceMs: number;
  /** Changes to an organization's data within one window of this many ms are folded and pushed once. */
  analyticsWindowMs: number;
  /** How stale a process's view of a user (deactivated? auth epoch?) may be; open sockets are checked this often. */
  sessionCheckMs: number;
  /** SMTP server for outgoing email; without one, an in-process SMTP server on loopback receives it. */
  smtpUrl: string | undefined;
  mailFrom: string;
  /**
   * `register` answers alike for new and taken addresses and finishes with an emailed code
   * (`completeRegistration`); off: the organization is created at once, a taken address refused.
   */
  signupVerification: boolean;
  /**
   * SMS gateway: `offline` (default; simulated delivery receipts, see src/platform/providers/sms/OfflineSms.ts)
   * or `twilio`. Twilio's webhooks (/webhooks/twilio/*) are answered when twilioAuthToken is set.
   */
  sms: {
    provider: 'offline' | 'twilio';
    twilioAccountSid: string | undefined;
    twilioAuthToken: string | undefined;
    twilioApiUrl: string;
    offlineReceiptDelayMs: number;
  };
  /** Execute queries and mutations with graphql-jit (compiled per document); false = graphql-js. */
  graphqlJit: boolean;
  /** Largest CSV an import takes (bytes). */
  importMaxBytes: number;
  /** Tracked links and the open pixel in campaign emails (on by default). */
  emailTracking: boolean;
  /** Outbound webhooks (docs/integrations.md). */
  webhooks: {
    /** Let endpoints target private, loopback and link-local addresses over plain http (default: development only). */
    allowPrivateTargets: boolean;
    /** Delays before the 2nd, 3rd, … try of a delivery (ms); each gets ±10% jitter. */
    retryScheduleMs: number[];
    timeoutMs: number;
    /** An endpoint whose deliveries have failed for this many days in a row is disabled. */
    disableAfterDays: number;
    /** A try overdue by this much (its job lost) is queued again by the sweep. */
    sweepGraceMs: number;
  };
  /** Public lead intake: submissions per minute per form and client address, and per form. */
  intake: { perIpPerMinute: number; perFormPerMinute: number };
}

/** Standard Webhooks' schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h after each failed try (~27.6 h in all). */
const DEFAULT_WEBHOOK_RETRIES = [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000].map((s) => s * 1_000);

const DEV_JWT_SECRET = 'dev-only-secret-change-me-in-production-0123456789';

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const problems: string[] = [];
  const str = (name: string, fallback?: string): string => {
    const v = env[name];
    if (v !== undefined && v !== '') return v;
    if (fallback === undefined) problems.push(`${name} is required`);
    return fallback ?? '';
  };
  const int = (name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
      return fallback;
    }
    return n;
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
      return fallback;
    }
    return raw as T;
  };

  const nodeEnv = oneOf<NodeEnv>('NODE_ENV', ['development', 'test', 'production'], 'development');
  const prod = nodeEnv === 'production';
  const dbName = str('DB_NAME', 'reos');
  const jwtSecret = str('JWT_SECRET', prod ? undefined : DEV_JWT_SECRET);
  if (jwtSecret && jwtSecret.length < 32) problems.push('JWT_SECRET must be at least 32 characters');
  if (prod && jwtSecret === DEV_JWT_SECRET) problems.push('JWT_SECRET must be set in production');
  const geocoder = oneOf('GEOCODER', ['offline', 'http'] as const, 'offline');
  const geocoderUrl = env.GEOCODER_URL || undefined;
  if (geocoder === 'http' && !geocoderUrl) problems.push('GEOCODER_URL is required when GEOCODER=http');
  const protections = oneOf('PROTECTIONS', ['on', 'off'] as const, 'on');
  const durations = (name: string, fallback: number[]): number[] => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const list = raw.split(',').map((x) => Number(x.trim()));
    if (!list.length || list.some((n) => !Number.isInteger(n) || n < 1 || n > 7 * 86_400_000))
      problems.push(`${name} must be a comma-separated list of delays in ms (got "${raw}")`);
    return list;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!['true', 'false'].includes(raw)) problems.push(`${name} must be true or false (got "${raw}")`);
    return raw === 'true';
  };
  const smsProvider = oneOf('SMS_PROVIDER', ['offline', 'twilio'] as const, 'offline');
  if (smsProvider === 'twilio' && (!env.TWILIO_ACCOUNT_SID || !env.TWILIO_AUTH_TOKEN))
    problems.push('TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are required when SMS_PROVIDER=twilio');
  if (smsProvider === 'twilio' && !env.PUBLIC_URL)
    problems.push('PUBLIC_URL is required when SMS_PROVIDER=twilio (Twilio calls back to it)');
  const dbAppRole = str('DB_APP_ROLE', 'reos_app');
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(dbAppRole)) problems.push('DB_APP_ROLE must be a plain lower-case identifier');

  const corsOrigins = (env.CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of corsOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin))
      problems.push(`CORS_ORIGINS entries must look like https://app.example.com, without a path (got "${origin}")`);
  }
  const corsCredentials = bool('CORS_CREDENTIALS', false);
  if (corsCredentials && corsOrigins.includes('*'))
    problems.push('CORS_CREDENTIALS=true needs CORS_ORIGINS to list origins, not *');

  const databaseReplicaUrls = (env.DATABASE_REPLICA_URLS ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  for (const u of databaseReplicaUrls)
    if (!/^postgres(ql)?:\/\/[^\s]+$/.test(u))
      problems.push(
        `DATABASE_REPLICA_URLS entries must be postgres:// URLs (got "${u.replace(/:[^:@/]*@/, ':***@')}")`,
      );
  if ((env.REDIS_URL ?? '').includes(',') && env.REDIS_CLUSTER !== 'true')
    problems.push('REDIS_URL lists several nodes; set REDIS_CLUSTER=true for a Redis Cluster');

  const config: Config = {
    nodeEnv,
    host: str('HOST', '127.0.0.1'),
    port: int('PORT', 4000, 0, 65535),
    databaseUrl: str('DATABASE_URL', `postgres://${dbAppRole}@127.0.0.1:5432/${dbName}`),
    databaseOwnerUrl: str('DATABASE_OWNER_URL', `postgres://postgres@127.0.0.1:5432/${dbName}`),
    databaseReplicaUrls,
    dbAppRole,
    dbPoolMax: int('DB_POOL_MAX', 10, 1, 200),
    redisUrl: str('REDIS_URL', 'redis://127.0.0.1:6379'),
    redisCluster: bool('REDIS_CLUSTER', false),
    redisPrefix: str('REDIS_PREFIX', 'reos'),
    jwtSecret,
    accessTokenTtlSeconds: int('ACCESS_TOKEN_TTL_SECONDS', 15 * 60, 10),
    refreshTokenTtlSeconds: int('REFRESH_TOKEN_TTL_SECONDS', 30 * 24 * 3600, 60),
    invitationTtlHours: int('INVITATION_TTL_HOURS', 72, 1),
    geocoder,
    geocoderUrl,
    logLevel: str('LOG_LEVEL', nodeEnv === 'test' ? 'warn' : 'info'),
    runWorkers: env.RUN_WORKERS !== 'false',
    publicUrl: (env.PUBLIC_URL ?? '').replace(/\/+$/, ''),
    introspection: bool('ENABLE_INTROSPECTION', !prod),
    queryLimits:
      protections === 'off'
        ? null
        : {
            maxDepth: int('MAX_QUERY_DEPTH', DEFAULT_QUERY_LIMITS.maxDepth, 1, 100),
            maxAliases: int('MAX_QUERY_ALIASES', DEFAULT_QUERY_LIMITS.maxAliases, 0, 10_000),
            maxDirectives: int('MAX_QUERY_DIRECTIVES', DEFAULT_QUERY_LIMITS.maxDirectives, 0, 10_000),
            maxCost: int('MAX_QUERY_COST', DEFAULT_QUERY_LIMITS.maxCost, 1),
            maxTokens: int('MAX_QUERY_TOKENS', DEFAULT_QUERY_LIMITS.maxTokens, 100),
          },
    rateLimits:
      protections === 'off'
        ? null
        : {
            queriesPerMinute: int('RATE_LIMIT_QUERIES_PER_MINUTE', 1_200, 1),
            mutationsPerMinute: int('RATE_LIMIT_MUTATIONS_PER_MINUTE', 240, 1),
            // Local scripts sign in often; production keeps the strict 5 a minute per IP and email.
            authMultiplier: int('RATE_LIMIT_AUTH_MULTIPLIER', nodeEnv === 'development' ? 20 : 1, 1, 1_000),
          },
    persistedOperations: oneOf('PERSISTED_OPERATIONS', ['off', 'allow', 'only'] as const, 'allow'),
    persistedManifestPaths: str(
      'PERSISTED_MANIFEST',
      'client/generated/persisted-operations.json,web/src/gql/persisted-documents.json',
    )
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => resolve(projectRoot(), p)),
    apqTtlSeconds: int('APQ_TTL_SECONDS', 24 * 3600, 60),
    slowOperationMs: int('SLOW_OPERATION_MS', 1_000, 1),
    wsMaxConnectionsPerUser: int('WS_MAX_CONNECTIONS_PER_USER', 10, 1, 10_000),
    wsMaxBufferedBytes: int('WS_MAX_BUFFERED_BYTES', 4 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    trustProxy: env.TRUST_PROXY || false,
    corsOrigins,
    corsCredentials,
    httpHeadersTimeoutMs: int('HTTP_HEADERS_TIMEOUT_MS', 10_000, 500, 600_000),
    httpRequestTimeoutMs: int('HTTP_REQUEST_TIMEOUT_MS', 30_000, 1_000, 3_600_000),
    getCacheMaxAgeSeconds: int('GET_CACHE_MAX_AGE_SECONDS', 5, 0, 86_400),
    otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined,
    serviceName: str('OTEL_SERVICE_NAME', 'real-estate-os'),
    propertyDataUrl: env.PROPERTY_DATA_URL || undefined,
    propertyDataApiKey: env.PROPERTY_DATA_API_KEY || undefined,
    s3: {
      endpoint: env.S3_ENDPOINT || undefined,
      publicEndpoint: env.S3_PUBLIC_ENDPOINT || undefined,
      accessKey: str('S3_ACCESS_KEY', 'S3RVER'),
      secretKey: str('S3_SECRET_KEY', 'S3RVER'),
      bucket: str('S3_BUCKET', 'reos'),
      region: str('S3_REGION', 'us-east-1'),
    },
    localS3Dir: resolve(projectRoot(), str('LOCAL_S3_DIR', '.data/s3')),
    webDir: resolve(projectRoot(), str('WEB_DIR', 'dist/web')),
    memoDownloadTtlSeconds: int('MEMO_DOWNLOAD_TTL_SECONDS', 300, 10, 7 * 24 * 3600),
    jobAttempts: int('JOB_ATTEMPTS', 5, 1, 50),
    jobBackoffMs: int('JOB_BACKOFF_MS', 1_000, 10, 600_000),
    jobLockMs: int('JOB_LOCK_MS', 30_000, 1_000, 600_000),
    jobDatabaseWaitMs: int('JOB_DATABASE_WAIT_MS', 600_000, 0, 86_400_000),
    sendClaimStaleMs: int('SEND_CLAIM_STALE_MS', 120_000, 1_000, 3_600_000),
    reminderSweepMs: int('REMINDER_SWEEP_MS', 30_000, 200, 3_600_000),
    sequenceSweepGraceMs: int('SEQUENCE_SWEEP_GRACE_MS', 30_000, 500, 3_600_000),
    analyticsWindowMs: int('ANALYTICS_WINDOW_MS', 250, 10, 60_000),
    sessionCheckMs: int('SESSION_CHECK_MS', 2_000, 100, 3_600_000),
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: str('MAIL_FROM', 'Real Estate OS <outreach@realestateos.dev>'),
    signupVerification: bool('SIGNUP_VERIFICATION', true),
    sms: {
      provider: smsProvider,
      twilioAccountSid: env.TWILIO_ACCOUNT_SID || undefined,
      twilioAuthToken: env.TWILIO_AUTH_TOKEN || undefined,
      twilioApiUrl: str('TWILIO_API_URL', 'https://api.twilio.com'),
      offlineReceiptDelayMs: int('SMS_OFFLINE_RECEIPT_DELAY_MS', 50, 0, 60_000),
    },
    emailTracking: bool('EMAIL_TRACKING', true),
    graphqlJit: bool('GRAPHQL_JIT', true),
    importMaxBytes: int('IMPORT_MAX_BYTES', 25 * 1024 * 1024, 1_024, 1024 * 1024 * 1024),
    webhooks: {
      allowPrivateTargets: bool('WEBHOOK_ALLOW_PRIVATE_TARGETS', nodeEnv === 'development'),
      retryScheduleMs: durations('WEBHOOK_RETRY_SCHEDULE_MS', DEFAULT_WEBHOOK_RETRIES),
      timeoutMs: int('WEBHOOK_TIMEOUT_MS', 10_000, 100, 60_000),
      disableAfterDays: int('WEBHOOK_DISABLE_AFTER_DAYS', 5, 1, 365),
      sweepGraceMs: int('WEBHOOK_SWEEP_GRACE_MS', 30_000, 200, 3_600_000),
    },
    intake: {
      perIpPerMinute: int('INTAKE_RATE_PER_IP_PER_MINUTE', 30, 1),
      perFormPerMinute: int('INTAKE_RATE_PER_FORM_PER_MINUTE', 1_200, 1),
    },
    ...overrides,
  };
  config.publicUrl ||= `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
  if (problems.length) {
    throw new Error(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return config;
}

/** The folder holding package.json, found from this file (works from src/ and from dist/src/). */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(resolve(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
