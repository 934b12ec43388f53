/**
 * Whether an error means the database could not be reached or is restarting (a failover, an outage),
 * as opposed to a query the database refused. Looks through wrapped causes (MikroORM and Kysely wrap
 * the driver's error).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (
    let e = err as { code?: unknown; message?: unknown; cause?: unknown; previous?: unknown } | undefined, depth = 0;
    e && depth < 5;
    depth++
  ) {
    if (typeof e.code === 'string' && UNAVAILABLE_CODES.has(e.code)) return true;
    if (typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message)) return true;
    e = (e.cause ?? e.previous) as typeof e;
  }
  return false;
}

/** Node's socket errors and PostgreSQL's connection-failure and shutdown classes (08, 57P). */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57P01', // admin shutdown
  '57P02', // crash shutdown
  '57P03', // cannot connect now (starting up, recovering)
]);

const UNAVAILABLE_MESSAGE = new RegExp(
  [
    'Connection terminated',
    'connect ECONNREFUSED',
    'the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)',
    'terminating connection due to administrator command',
    'server closed the connection unexpectedly',
    'Client has encountered a connection error',
    'timeout exceeded when trying to connect',
    'Connection is not open',
  ].join('|'),
  'i',
);
