import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { seed } from '../src/cli/seed.js';
import type { Config } from '../src/platform/config.js';
import { backup, restore } from '../src/platform/db/backup.js';
import { createDeps } from '../src/platform/deps.js';
import { createLogger } from '../src/platform/observability/logger.js';
import { startLocalS3 } from '../src/platform/storage/local-s3.js';
import { ObjectStorage } from '../src/platform/storage/ObjectStorage.js';
import { fmt } from './lib.js';

const ACTIVITIES = Number(process.env.BENCH_BACKUP_ACTIVITIES ?? 1_000_000);

/**
 * `npm run backup` / `npm run restore` (src/platform/db/backup.ts) on the seeded demo organization,
 * then again after adding 1,000,000 activities to it, each beside plain `pg_dump -Fc` and
 * `createdb` + `pg_restore` of the same database (the floor: what backup adds is the snapshot's row
 * counts, the files and the checksums; restore adds the checks).
 */
export async function benchBackup(config: Config): Promise<Record<string, unknown>> {
  const deps = await createDeps(config, createLogger('warn'));
  const { organizationId } = await seed(deps);
  const results: Record<string, unknown> = {};
  try {
    results.seeded = await round(config, deps.storage, 'seeded organization');
    const owner = new pg.Client({ connectionString: config.databaseOwnerUrl });
    await owner.connect();
    await owner.query(
      `insert into activities (id, organization_id, lead_id, type, direction, body, occurred_at, created_at, updated_at)
       select gen_random_uuid(), $1, l.id, 'NOTE', 'OUTBOUND', 'Bench note ' || g,
              now() - g * interval '1 minute', now(), now()
         from generate_series(1, $2::int) g
         join lateral (select id from leads where organization_id = $1 offset (g % 50) limit 1) l on true`,
      [organizationId, ACTIVITIES],
    );
    await owner.end();
    results.million = await round(config, deps.storage, `with ${ACTIVITIES.toLocaleString('en-US')} more activities`);
  } finally {
    await deps.close();
  }
  return { backup: results };
}

async function round(config: Config, storage: ObjectStorage, label: string) {
  const folder = mkdtempSync(join(tmpdir(), 'reos-bench-backup-'));
  const target: Config = {
    ...config,
    databaseOwnerUrl: config.databaseOwnerUrl.replace(/\/[^/]+$/, '/reos_bench_restore'),
  };
  const plainDb = config.databaseOwnerUrl.replace(/\/[^/]+$/, '/reos_bench_plain');
  try {
    let t = performance.now();
    await backup(config, storage, folder);
    const backupMs = performance.now() - t;
    t = performance.now();
    const dump = spawnSync('pg_dump', ['--format=custom', '-f', join(folder, 'plain.dump'), config.databaseOwnerUrl]);
    if (dump.status !== 0) throw new Error(String(dump.stderr));
    const pgDumpMs = performance.now() - t;

    await dropDatabases(config);
    const bucket = await startLocalS3(join(folder, 's3'), config.s3.bucket);
    t = performance.now();
    const { mismatches } = await restore(target, new ObjectStorage(bucket.config), folder);
    const restoreMs = performance.now() - t;
    await bucket.close();
    if (mismatches.length) throw new Error(`restore differs: ${mismatches.join('; ')}`);
    t = performance.now();
    spawnSync('createdb', ['-h', '127.0.0.1', '-U', 'postgres', 'reos_bench_plain']);
    const plain = spawnSync('pg_restore', ['-d', plainDb, join(folder, 'plain.dump')]);
    if (plain.status !== 0) throw new Error(String(plain.stderr));
    const pgRestoreMs = performance.now() - t;
    console.log(`Backup and restore, ${label}`);
    console.log(`  npm run backup                                ${fmt(backupMs / 1000, 2)} s`);
    console.log(`  baseline: pg_dump -Fc                         ${fmt(pgDumpMs / 1000, 2)} s`);
    console.log(`  npm run restore (checked)                     ${fmt(restoreMs / 1000, 2)} s`);
    console.log(`  baseline: createdb + pg_restore               ${fmt(pgRestoreMs / 1000, 2)} s`);
    return { backupMs, pgDumpMs, restoreMs, pgRestoreMs };
  } finally {
    await dropDatabases(config);
    rmSync(folder, { recursive: true, force: true });
  }
}

async function dropDatabases(config: Config): Promise<void> {
  const admin = new pg.Client({ connectionString: config.databaseOwnerUrl.replace(/\/[^/]+$/, '/postgres') });
  await admin.connect();
  await admin.query('drop database if exists reos_bench_restore with (force)');
  await admin.query('drop database if exists reos_bench_plain with (force)');
  await admin.end();
}
