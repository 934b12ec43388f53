import { loadConfig } from '../src/platform/config.js';
import { createDeps } from '../src/platform/deps.js';
import { createLogger } from '../src/platform/observability/logger.js';
import { startWorkers } from './index.js';

/** `npm run worker`: workers only, for scaling them apart from the API. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel, { role: 'worker' });
  const deps = await createDeps(config, log);
  const workers = startWorkers(deps);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    log.info('worker shutting down');
    const force = setTimeout(() => process.exit(1), 15_000).unref();
    await workers.close(); // lets running jobs finish
    await deps.close();
    clearTimeout(force);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

void main();
