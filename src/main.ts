import { loadConfig } from './platform/config.js';
import { prepareDatabase } from './platform/db/bootstrap.js';
import { createLogger } from './platform/observability/logger.js';
import { assertRedisReachable } from './platform/redis.js';
import { startServer } from './platform/server.js';
import { startWorkers } from '../workers/index.js';
import { DEMO, seed } from './cli/seed.js';

/**
 * `npm start`: migrates the database, starts the API and (unless --no-worker or RUN_WORKERS=false)
 * the BullMQ workers in the same process, and shuts all of it down cleanly on SIGTERM/SIGINT.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
  const runWorkers = config.runWorkers && !process.argv.includes('--no-worker');
  const log = createLogger(config.logLevel);
  try {
    await prepareDatabase(config, log);
  } catch (err) {
    log.fatal({ err: (err as Error).message }, 'database is not ready');
    console.error(`\n${(err as Error).message}\n`);
    process.exit(1);
  }
  try {
    await assertRedisReachable(config);
  } catch (err) {
    log.fatal({ err: (err as Error).message }, 'Redis is not reachable');
    console.error(`\n${(err as Error).message}\n`);
    process.exit(1);
  }
  const server = await startServer(config, { log }).catch((err: Error) => {
    log.fatal({ err: err.message }, 'could not start');
    process.exit(1);
  });
  const workers = runWorkers ? startWorkers(server.deps, { metrics: server.metrics }) : null;

  // Local development: a demo organization to sign in to, created on the first start only.
  const demo = config.nodeEnv === 'development' && process.env.SEED_DEMO !== 'false';
  if (demo) {
    const { created } = await seed(server.deps);
    if (created) log.info('seeded the demo organization (first start only; SEED_DEMO=false skips it)');
  }

  if (config.nodeEnv !== 'production') {
    const line = '-'.repeat(64);
    process.stdout.write(
      `\n${line}\n  Real Estate OS is running\n  App:       ${server.url.replace(/graphql$/, 'app/')}\n` +
        `  Explorer:  ${server.url.replace(/graphql$/, 'graphiql')}\n  GraphQL:   ${server.url}\n` +
        `  WebSocket: ${server.wsUrl}\n` +
        (demo ? `  Demo login: ${DEMO.email} / ${DEMO.password}\n` : '') +
        `  Workers: ${workers ? 'running in this process' : 'not started (run `npm run worker`)'}\n${line}\n\n`,
    );
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000).unref();
    // Stop taking requests and let those in flight finish while workers finish their jobs; then close the rest.
    await Promise.all([server.drain(), workers?.close()]);
    await server.close();
    clearTimeout(force);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

void main();
