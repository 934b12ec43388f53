import { loadConfig } from '../platform/config.js';
import { prepareDatabase } from '../platform/db/bootstrap.js';
import { createLogger } from '../platform/observability/logger.js';

/** `npm run migrate`: create the database and app role if needed, then apply pending migrations. */
const config = loadConfig();
const log = createLogger(config.logLevel);
try {
  const { applied } = await prepareDatabase(config, log);
  console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
