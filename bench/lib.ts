import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { EventEmitter } from 'node:events';
import autocannon from 'autocannon';
import pg from 'pg';
import type { AuthUser } from '../src/platform/auth/tokens.js';
import type { Config } from '../src/platform/config.js';
import { createDeps } from '../src/platform/deps.js';
import { createLogger } from '../src/platform/observability/logger.js';

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
}

/** V8 flags `npm start` uses; every benchmarked server gets the same ones. */
export const NODE_FLAGS = ['--max-semi-space-size=64', '--no-memory-reducer', '--experimental-async-context-frame'];
const PROFILES = new URL('../../bench/results/profiles/', import.meta.url).pathname;

/** Starts a Node process and resolves with the URL from its first JSON log line whose `msg` matches. */
export async function spawnService(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  readyMsg: string,
): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  // BENCH_PROFILE=1 writes a V8 CPU profile of every benchmarked server to bench/results/profiles/.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILES}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...NODE_FLAGS, ...profile, script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === readyMsg && entry.url) resolve(entry.url);
      }
    };
    child.stdout!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}: ${stderr}`)));
    setTimeout(() => reject(new Error(`${script} did not start: ${stderr}`)), 60_000).unref();
  });
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Drives `url` with POSTs of `body` for `seconds` from `connections` keep-alive connections; each
 * connection cycles through `headerSets` (e.g. one per organization).
 */
export async function load(
  url: string,
  body: string,
  headerSets: Record<string, string>[],
  seconds: number,
  connections: number,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let bad = 0;
  // Without a callback autocannon returns an EventEmitter that is also a promise of the result.
  const instance = autocannon({
    url,
    method: 'POST',
    requests: headerSets.map((headers) => ({
      method: 'POST' as const,
      body,
      headers: { 'content-type': 'application/json', ...headers },
    })),
    duration: seconds,
    connections,
    pipelining: 1,
  }) as unknown as EventEmitter & Promise<autocannon.Result>;
  (instance as EventEmitter).on(
    'response',
    (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      if (statusCode !== 200) bad++;
      latencies.push(responseTime);
    },
  );
  const result = await instance;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  return {
    requests: latencies.length,
    rps: latencies.length / seconds,
    p50: pct(50),
    p95: pct(95),
    p99: pct(99),
    errors: bad + result.errors + result.timeouts,
  };
}

/**
 * `vacuum analyze` of the bench database, what autovacuum does after a bulk change (it is off on
 * the development machines): earlier benchmarks' fixtures leave dead rows and stale statistics
 * behind (a deal move's trigger took 14 ms instead of 3 on a table left with 590,000 dead rows).
 */
export async function settle(config: Config): Promise<void> {
  const db = new pg.Client({ connectionString: config.databaseOwnerUrl });
  await db.connect();
  try {
    await db.query('vacuum analyze');
  } finally {
    await db.end();
  }
}

export function fmt(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '-';
}

/** Fails loudly unless `url` answers `body` with data and no errors; returns the parsed data. */
export async function verify(url: string, body: string, headers: Record<string, string> = {}): Promise<unknown> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const json = (await res.json()) as { data?: unknown; errors?: unknown };
  if (res.status !== 200 || json.errors || !json.data)
    throw new Error(`${url} did not answer the benchmark query: ${JSON.stringify(json).slice(0, 500)}`);
  return json.data;
}

/** CPU time (user + system) a process has used so far, in milliseconds, from /proc. */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/**
 * CPU time used so far by every process named `postgres` on this machine (server and backends),
 * including backends that have ended: their time is added to the postmaster's reaped-children
 * fields (cutime, cstime), so a connection closed by a pool's idle timeout does not take its CPU
 * out of a difference between two readings.
 */
export function postgresCpuMs(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.split(') ')[1]!.split(' ');
      const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number) as [number, number, number, number];
      total += ((utime + stime + cutime + cstime) * 1000) / CLOCK_TICKS;
    } catch {
      /* the process ended while we looked */
    }
  }
  return total;
}

const CLOCK_TICKS = 100; // sysconf(_SC_CLK_TCK) on Linux

/** The value at percentile `p` of `sorted` (ascending). */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** The median of `xs`. */
export function median(xs: number[]): number {
  return percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );
}

/**
 * The environment of this API as a benchmarked process (`dist/src/main.js --no-worker`): production
 * mode, the bench database, Redis namespace and secret, info logs (the ready line), plus `extra`.
 */
export function apiEnv(config: Config, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    PORT: '0',
    JWT_SECRET: config.jwtSecret,
    DATABASE_URL: config.databaseUrl,
    DATABASE_OWNER_URL: config.databaseOwnerUrl,
    REDIS_URL: config.redisUrl,
    REDIS_PREFIX: config.redisPrefix,
    LOG_LEVEL: 'info',
    RUN_WORKERS: 'false',
    ...extra,
  };
}

const ROOT = new URL('../../', import.meta.url).pathname;

/**
 * This API as a benchmarked process (no workers; rate limits out of the way of one user's load) and
 * an access token for `user`, signed with the bench's secret.
 */
export async function apiWithToken(
  config: Config,
  user: AuthUser,
): Promise<{ app: Awaited<ReturnType<typeof spawnService>>; token: string }> {
  const deps = await createDeps(config, createLogger('warn'));
  const { token } = await deps.tokens.signAccess(user);
  await deps.close();
  const app = await spawnService(
    `${ROOT}dist/src/main.js`,
    ['--no-worker'],
    apiEnv(config, { RATE_LIMIT_QUERIES_PER_MINUTE: '100000000', RATE_LIMIT_MUTATIONS_PER_MINUTE: '100000000' }),
    'api listening',
  );
  return { app, token };
}

/** One GraphQL POST, timed in milliseconds; an answer with errors fails the benchmark. */
export async function timedPost(url: string, token: string, body: string): Promise<number> {
  const t = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  });
  const json = (await res.json()) as { errors?: unknown };
  if (json.errors) throw new Error(`request failed: ${JSON.stringify(json.errors)}`);
  return performance.now() - t;
}
