import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Config } from '../../src/platform/config.js';
import type { StorageConfig } from '../../src/platform/storage/ObjectStorage.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const NODE = join(ROOT, 'node_modules/.bin/node');
/** The flags `npm start`, `npm run api` and `npm run worker` give Node (package.json). */
export const NODE_FLAGS = ['--max-semi-space-size=64', '--no-memory-reducer', '--experimental-async-context-frame'];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Compiles the service with tsc when dist/ is missing or older than the sources. */
export function ensureBuilt(): void {
  const main = join(ROOT, 'dist/src/main.js');
  const sources = Math.max(...['src', 'entities', 'resolvers', 'workers'].map((d) => newestMtime(join(ROOT, d))));
  if (existsSync(main) && statSync(main).mtimeMs >= sources) return;
  // --incremental like `npm run build`: both keep dist/tsconfig.build.tsbuildinfo true, or the next
  // `npm run build` would trust a record of files this build rewrote and leave them stale.
  execFileSync(
    NODE,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--incremental'],
    { stdio: 'inherit' },
  );
}

/** Environment for a child process to use `storage` (a test server's s3rver) instead of an object store of its own. */
export function storageEnv(storage: StorageConfig): Record<string, string> {
  return {
    S3_ENDPOINT: storage.endpoint,
    S3_ACCESS_KEY: storage.accessKey,
    S3_SECRET_KEY: storage.secretKey,
    S3_BUCKET: storage.bucket,
    S3_REGION: storage.region,
  };
}

/** The environment of a child process that shares the test's database, Redis namespace and secret. */
function childEnv(config: Config, env: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: config.databaseUrl,
    DATABASE_OWNER_URL: config.databaseOwnerUrl,
    REDIS_URL: config.redisUrl,
    REDIS_CLUSTER: String(config.redisCluster),
    REDIS_PREFIX: config.redisPrefix,
    JWT_SECRET: config.jwtSecret,
    SIGNUP_VERIFICATION: String(config.signupVerification),
    SEQUENCE_SWEEP_GRACE_MS: String(config.sequenceSweepGraceMs),
    LOG_LEVEL: 'info',
    ...env,
  };
}

export interface ApiProcess {
  child: ChildProcess;
  url: string;
  wsUrl: string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `node dist/src/main.js` as a separate OS process sharing the test's database and Redis namespace. */
export async function startApiProcess(
  config: Config,
  args: string[] = ['--no-worker'],
  env: Record<string, string> = {},
): Promise<ApiProcess> {
  ensureBuilt();
  const child = spawn(NODE, [...NODE_FLAGS, join(ROOT, 'dist/src/main.js'), ...args], {
    cwd: ROOT,
    env: childEnv(config, { PORT: '0', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`API process did not start: ${stderr}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      for (const line of buf.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const entry = JSON.parse(line) as { msg?: string; url?: string };
          if (entry.msg === 'api listening' && entry.url) {
            clearTimeout(timer);
            resolve(entry.url);
          }
        } catch {
          /* partial line */
        }
      }
    });
    child.on('exit', (code) => reject(new Error(`API process exited with ${code}: ${stderr}`)));
  });
  return {
    child,
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}

/**
 * `node dist/workers/main.js` as its own OS process sharing the test's database, Redis namespace
 * and secret, resolved once its workers are running. `env` adds to or overrides that.
 */
export async function startWorkerProcess(config: Config, env: Record<string, string> = {}): Promise<ChildProcess> {
  ensureBuilt();
  const child = spawn(NODE, [...NODE_FLAGS, join(ROOT, 'dist/workers/main.js')], {
    cwd: ROOT,
    env: childEnv(config, env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start: ${stderr}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('workers started')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`worker exited with ${code}: ${stderr}`)));
  });
  return child;
}
