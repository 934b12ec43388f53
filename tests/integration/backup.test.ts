import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { seed } from '../../src/cli/seed.js';
import { backup, restore } from '../../src/platform/db/backup.js';
import { prepareDatabase } from '../../src/platform/db/bootstrap.js';
import { startLocalS3 } from '../../src/platform/storage/local-s3.js';
import { ObjectStorage } from '../../src/platform/storage/ObjectStorage.js';
import { testConfig } from '../helpers/env.js';
import { startTestServer } from '../helpers/server.js';

/** A seeded organization backed up from its own database and restored into a new one and a new bucket. */
const SRC = `reos_backup_src_${process.pid}`;
const DST = `reos_backup_dst_${process.pid}`;
const url = (db: string, user = 'postgres') => `postgres://${user}@127.0.0.1:5432/${db}`;
const folder = mkdtempSync(join(tmpdir(), 'reos-backup-'));

afterAll(async () => {
  rmSync(folder, { recursive: true, force: true });
  const admin = new pg.Client({ connectionString: url('postgres') });
  await admin.connect();
  for (const db of [SRC, DST]) await admin.query(`drop database if exists ${db} with (force)`);
  await admin.end();
});

async function sha256(stream: NodeJS.ReadableStream): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}

describe('backup and restore', () => {
  it('restores a seeded organization elsewhere: equal row counts, equal files, row-level security intact', async () => {
    const source = testConfig({ databaseUrl: url(SRC, 'reos_app'), databaseOwnerUrl: url(SRC) });
    await prepareDatabase(source);
    const server = await startTestServer({ config: source, workers: false });
    const { organizationId } = await seed(server.deps, { properties: 40, deals: 24 });
    const files = {
      [ObjectStorage.key(organizationId, 'imports', 'list.csv')]: Buffer.from('First Name,Last Name\nAda,Lovelace\n'),
      [ObjectStorage.key(organizationId, 'memos', 'memo.pdf')]: Buffer.from('%PDF-1.7 not really'),
    };
    for (const [key, body] of Object.entries(files))
      await server.deps.storage.put(key, body, 'application/octet-stream');

    const manifest = await backup(source, server.deps.storage, folder);
    expect(manifest.tables.leads).toBeGreaterThan(10);
    expect(manifest.tables.deals).toBe(24);
    expect(manifest.files.map((f) => f.key).sort()).toEqual(Object.keys(files).sort());

    const target = testConfig({ databaseUrl: url(DST, 'reos_app'), databaseOwnerUrl: url(DST) });
    const bucket = await startLocalS3(target.localS3Dir, target.s3.bucket);
    try {
      const storage = new ObjectStorage(bucket.config);
      const { mismatches } = await restore(target, storage, folder);
      expect(mismatches).toEqual([]);
      for (const [key, body] of Object.entries(files))
        expect(await sha256(await storage.get(key))).toBe(createHash('sha256').update(body).digest('hex'));
      // Restoring again over it is refused: the database and bucket are no longer empty.
      await expect(restore(target, storage, folder)).rejects.toThrow(/not empty/);
    } finally {
      await bucket.close();
    }

    // The app role sees nothing without an organization, and exactly that organization's rows with one.
    const app = new pg.Client({ connectionString: url(DST, 'reos_app') });
    await app.connect();
    try {
      expect((await app.query('select count(*)::int as n from leads')).rows[0].n).toBe(0);
      await app.query("select set_config('app.organization_id', $1, false)", [organizationId]);
      expect((await app.query('select count(*)::int as n from deals')).rows[0].n).toBe(24);
      await expect(app.query('delete from audit_log')).rejects.toThrow(/permission denied/);
    } finally {
      await app.end();
    }
  }, 120_000);
});
