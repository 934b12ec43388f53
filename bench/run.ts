import { randomUUID } from 'node:crypto';
import { writeFile, mkdir } from 'node:fs/promises';
import pg from 'pg';
import { loadConfig } from '../src/platform/config.js';
import { prepareDatabase } from '../src/platform/db/bootstrap.js';
import { benchAnalyticsLive } from './analytics-live.js';
import { benchAnalytics } from './analytics.js';
import { benchCampaigns } from './campaigns.js';
import { benchDealMoves } from './deal-moves.js';
import { benchFanout } from './fanout.js';
import { benchMixed } from './mixed.js';
import { benchOperations } from './operations.js';
import { benchMyDay } from './myday.js';
import { benchReminders } from './reminders.js';
import { benchSequences } from './sequences.js';
import { benchWebhooks } from './webhooks.js';
import { benchWeb } from './web.js';
import { benchBackup } from './backup.js';
import { benchRegister } from './register.js';
import { benchImports } from './imports.js';
import { benchNestedRead } from './nested-read.js';
import { benchProtections } from './protections.js';
import { benchUnderwriting } from './underwriting.js';

/**
 * `npm run bench`: every benchmark against a fresh `reos_bench` database, each beside a baseline
 * measured in the same run. Prints figures and writes bench/results/latest.json.
 * BENCH_SECONDS (default 10) and BENCH_CONNECTIONS (default 16) tune the load;
 * BENCH_ONLY=nested,protections,underwriting,campaigns,imports,fanout,mixed,operations,moves,myday,reminders,
 * analytics,analytics-live,sequences,webhooks,web,backup,register
 * picks benchmarks. BENCH_KEEP_DB=1 keeps the last run's database (the analytics fixture is then
 * reused instead of built again — for iterating on one benchmark).
 */
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const config = loadConfig({
  ...process.env,
  JWT_SECRET: `bench-${randomUUID()}-${randomUUID()}`,
  DB_NAME: 'reos_bench',
  LOG_LEVEL: 'warn',
  REDIS_PREFIX: `bench-${randomUUID().slice(0, 8)}`,
  PORT: '0',
});

const admin = new URL(config.databaseOwnerUrl);
admin.pathname = '/postgres';
const client = new pg.Client({ connectionString: admin.toString() });
await client.connect();
// BENCH_KEEP_DB=1 keeps the database of the last run (benchmarks that build a large fixture reuse it).
if (process.env.BENCH_KEEP_DB !== '1') await client.query('drop database if exists reos_bench with (force)');
await client.end();
await prepareDatabase(config);

console.log(`Real Estate OS benchmarks — ${new Date().toISOString()} — node ${process.version}`);
const only = process.env.BENCH_ONLY?.split(',');
const results = {
  ...(!only || only.includes('nested') ? await benchNestedRead(config, { seconds, connections }) : {}),
  ...(!only || only.includes('protections') ? await benchProtections(config, { seconds, connections }) : {}),
  ...(!only || only.includes('underwriting') ? await benchUnderwriting(config) : {}),
  ...(!only || only.includes('campaigns') ? await benchCampaigns(config) : {}),
  ...(!only || only.includes('imports') ? await benchImports(config) : {}),
  ...(!only || only.includes('fanout') ? await benchFanout(config) : {}),
  ...(!only || only.includes('mixed') ? await benchMixed(config) : {}),
  ...(!only || only.includes('operations') ? await benchOperations(config) : {}),
  ...(!only || only.includes('moves') ? await benchDealMoves(config) : {}),
  ...(!only || only.includes('myday') ? await benchMyDay(config) : {}),
  ...(!only || only.includes('reminders') ? await benchReminders(config) : {}),
  ...(!only || only.includes('analytics') ? await benchAnalytics(config) : {}),
  ...(!only || only.includes('analytics-live') ? await benchAnalyticsLive(config) : {}),
  ...(!only || only.includes('sequences') ? await benchSequences(config) : {}),
  ...(!only || only.includes('webhooks') ? await benchWebhooks(config) : {}),
  ...(!only || only.includes('web') ? await benchWeb(config) : {}),
  ...(!only || only.includes('backup') ? await benchBackup(config) : {}),
  ...(!only || only.includes('register') ? await benchRegister(config) : {}),
};
await mkdir(new URL('./results/', new URL('../../bench/', import.meta.url)), { recursive: true });
await writeFile(
  new URL('../../bench/results/latest.json', import.meta.url),
  JSON.stringify({ at: new Date().toISOString(), seconds, connections, results }, null, 2),
);
process.exit(0);
