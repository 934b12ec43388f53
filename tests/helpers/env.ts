import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/platform/config.js';

/** The database every test file shares; each test still makes its own organizations. */
export const TEST_DB = process.env.TEST_DB_NAME ?? 'reos_test';

/** Config for a test: the test database, a random port and a Redis namespace of its own. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return loadConfig(
    {
      ...process.env,
      NODE_ENV: 'test',
      DB_NAME: TEST_DB,
      PORT: '0',
      REDIS_PREFIX: `test-${randomUUID().slice(0, 8)}`,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      // Each test server gets its own S3 server and files, so nothing is shared between files.
      LOCAL_S3_DIR: join(tmpdir(), `reos-s3-${randomUUID().slice(0, 8)}`),
      // Webhook receivers in tests listen on loopback, and retries come quickly. Every test server
      // has the same webhook settings: any file's workers may deliver another file's events (they
      // all LISTEN to the one database; each has its own Redis namespace).
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      WEBHOOK_RETRY_SCHEDULE_MS: '150,150,150,150,150',
      WEBHOOK_SWEEP_GRACE_MS: '1500',
      // Every file's workers also sweep the one database for overdue sequence steps, and on a slow
      // machine would run another file's late step with their own in-memory SMS provider, where that
      // file cannot count it. Only the sequence crash test needs the sweep, and sets its own grace.
      SEQUENCE_SWEEP_GRACE_MS: '600000',
      // Every test makes its organizations with `register` (createTenant) and is signed in at once;
      // the emailed-code sign-up (the default) is tested on its own in auth.test.ts.
      SIGNUP_VERIFICATION: 'false',
    },
    overrides,
  );
}
