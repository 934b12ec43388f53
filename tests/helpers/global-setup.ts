import pg from 'pg';
import { prepareDatabase } from '../../src/platform/db/bootstrap.js';
import { TEST_DB, testConfig } from './env.js';
import { ensureBuilt } from './process.js';

/**
 * Once per `vitest run`: a fresh test database, migrated from zero by the same code `npm start`
 * uses, so every run also proves the migrations apply on an empty database.
 */
export default async function setup(): Promise<void> {
  const config = testConfig();
  const admin = new URL(config.databaseOwnerUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect().catch((err: Error) => {
    throw new Error(`Tests need PostgreSQL at ${admin.host}: ${err.message}. See README "Requirements".`);
  });
  await client.query(`drop database if exists ${pg.escapeIdentifier(TEST_DB)} with (force)`);
  await client.end();
  await prepareDatabase(config);
  // Tests that run the service as a separate OS process need the compiled output.
  ensureBuilt();
}
