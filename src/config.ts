/**
 * Environment parsed and validated once. Anything wrong fails fast with one message that names
 * every bad variable, so a misconfigured deploy never half-starts.
 */
export type NodeEnv = 'development' | 'test' | 'production';

export interface Config {
  nodeEnv: NodeEnv;
  host: string;
  port: number;
  /** Connection string of the unprivileged application role (subject to row-level security). */
  databaseUrl: string;
  /** Connection string of the table owner, used only to create the database and run migrations. */
  databaseOwnerUrl: string;
  /** Role the API and workers connect as; created by the migrate step when missing. */
  dbAppRole: string;
  dbPoolMax: number;
  redisUrl: string;
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
  publicUrl: string | undefined;
}

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
  const dbAppRole = str('DB_APP_ROLE', 'reos_app');
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(dbAppRole)) problems.push('DB_APP_ROLE must be a plain lower-case identifier');

  const config: Config = {
    nodeEnv,
    host: str('HOST', '127.0.0.1'),
    port: int('PORT', 4000, 0, 65535),
    databaseUrl: str('DATABASE_URL', `postgres://${dbAppRole}@127.0.0.1:5432/${dbName}`),
    databaseOwnerUrl: str('DATABASE_OWNER_URL', `postgres://postgres@127.0.0.1:5432/${dbName}`),
    dbAppRole,
    dbPoolMax: int('DB_POOL_MAX', 10, 1, 200),
    redisUrl: str('REDIS_URL', 'redis://127.0.0.1:6379'),
    redisPrefix: str('REDIS_PREFIX', 'reos'),
    jwtSecret,
    accessTokenTtlSeconds: int('ACCESS_TOKEN_TTL_SECONDS', 15 * 60, 10),
    refreshTokenTtlSeconds: int('REFRESH_TOKEN_TTL_SECONDS', 30 * 24 * 3600, 60),
    invitationTtlHours: int('INVITATION_TTL_HOURS', 72, 1),
    geocoder,
    geocoderUrl,
    logLevel: str('LOG_LEVEL', nodeEnv === 'test' ? 'warn' : 'info'),
    runWorkers: env.RUN_WORKERS !== 'false',
    publicUrl: env.PUBLIC_URL || undefined,
    ...overrides,
  };
  if (problems.length) {
    throw new Error(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return config;
}
