import type { Options } from '@mikro-orm/postgresql';
import { afterAll } from 'vitest';
import type { Config } from '../../src/platform/config.js';
import type { Geocoder } from '../../src/platform/providers/geocoder/index.js';
import { createLogger } from '../../src/platform/observability/logger.js';
import { startServer, type RunningServer } from '../../src/platform/server.js';
import { startWorkers, type RunningWorkers } from '../../workers/index.js';
import { testConfig } from './env.js';

export interface TestServer extends RunningServer {
  config: Config;
  workers: RunningWorkers | null;
}

/**
 * A real API on a random loopback port (and, unless `workers: false`, real BullMQ workers), against
 * the real Postgres and Redis. Closed automatically after the file's tests.
 */
export async function startTestServer(
  options: { config?: Partial<Config>; workers?: boolean; orm?: Partial<Options>; geocoder?: Geocoder } = {},
): Promise<TestServer> {
  const config = testConfig(options.config);
  const log = createLogger(config.logLevel);
  const server = await startServer(config, { log, orm: options.orm });
  const workers =
    options.workers === false
      ? null
      : startWorkers(server.deps, { metrics: server.metrics, geocoder: options.geocoder });
  const close = async () => {
    await workers?.close();
    await server.close();
  };
  afterAll(close);
  return { ...server, config, workers, close };
}
