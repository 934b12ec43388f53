import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import type { Config } from '../config.js';
import type { ObjectStorage } from '../storage/ObjectStorage.js';
import { ensureAppRole } from './bootstrap.js';

/** What a backup holds, written beside it as manifest.json and checked by a restore. */
export interface BackupManifest {
  version: 1;
  createdAt: string;
  database: string;
  dump: { file: string; bytes: number; sha256: string };
  /** Rows per table, counted in the snapshot the dump was taken from. */
  tables: Record<string, number>;
  files: { key: string; bytes: number; sha256: string }[];
}

const DUMP = 'database.dump';

/**
 * `npm run backup`: the database (pg_dump, custom format: schema, data, row-level security policies,
 * functions, triggers and grants) and every file of the object store, with a manifest of row counts
 * per table — counted in the very snapshot pg_dump exports (`--snapshot`), so they match the dump
 * while the service keeps writing — and a SHA-256 of the dump and of each file.
 */
export async function backup(config: Config, storage: ObjectStorage, out: string): Promise<BackupManifest> {
  await mkdir(join(out, 'files'), { recursive: true });
  const owner = new pg.Client({ connectionString: config.databaseOwnerUrl });
  await owner.connect();
  let tables: Record<string, number>;
  try {
    await owner.query('begin isolation level repeatable read read only');
    const { rows } = await owner.query<{ snapshot: string }>('select pg_export_snapshot() as snapshot');
    tables = await countRows(owner);
    await run('pg_dump', [
      '--format=custom',
      `--snapshot=${rows[0]!.snapshot}`,
      '-f',
      join(out, DUMP),
      config.databaseOwnerUrl,
    ]);
    await owner.query('commit');
  } finally {
    await owner.end();
  }
  const files: BackupManifest['files'] = [];
  for (const { key } of await storage.list()) {
    const path = join(out, 'files', key);
    await mkdir(dirname(path), { recursive: true });
    await pipeline(await storage.get(key), createWriteStream(path));
    files.push({ key, ...(await digest(path)) });
  }
  const manifest: BackupManifest = {
    version: 1,
    createdAt: new Date().toISOString(),
    database: new URL(config.databaseOwnerUrl).pathname.slice(1),
    dump: { file: DUMP, ...(await digest(join(out, DUMP))) },
    tables,
    files,
  };
  await writeFile(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

/**
 * `npm run restore`: a backup into an empty database and an empty bucket (refused otherwise): the
 * app role is created when missing, the dump restored with its policies and grants, the files
 * uploaded after their checksums are checked; then every table's row count is compared with the
 * manifest. Resolves with the tables whose counts differ (none on success).
 */
export async function restore(
  config: Config,
  storage: ObjectStorage,
  from: string,
): Promise<{ manifest: BackupManifest; mismatches: string[] }> {
  const manifest = JSON.parse(await readFile(join(from, 'manifest.json'), 'utf8')) as BackupManifest;
  const dump = join(from, manifest.dump.file);
  if ((await digest(dump)).sha256 !== manifest.dump.sha256) throw new Error(`${dump} does not match its checksum`);
  for (const f of manifest.files)
    if ((await digest(join(from, 'files', f.key))).sha256 !== f.sha256)
      throw new Error(`${f.key} does not match its checksum`);
  await storage.ensureBucket();
  if ((await storage.list()).length) throw new Error(`The bucket ${storage.config.bucket} is not empty`);
  await createEmptyDatabase(config);
  await run('pg_restore', ['--exit-on-error', '--no-comments', '-d', config.databaseOwnerUrl, dump]);
  for (const f of manifest.files)
    await storage.put(f.key, await readFile(join(from, 'files', f.key)), 'application/octet-stream');
  const owner = new pg.Client({ connectionString: config.databaseOwnerUrl });
  await owner.connect();
  try {
    const counts = await countRows(owner);
    const mismatches = Object.entries(manifest.tables)
      .filter(([table, n]) => counts[table] !== n)
      .map(([table, n]) => `${table}: ${counts[table] ?? 'missing'} restored, ${n} backed up`);
    return { manifest, mismatches };
  } finally {
    await owner.end();
  }
}

async function createEmptyDatabase(config: Config): Promise<void> {
  const owner = new URL(config.databaseOwnerUrl);
  const name = decodeURIComponent(owner.pathname.slice(1));
  const maintenance = new URL(owner);
  maintenance.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: maintenance.toString() });
  await admin.connect();
  try {
    await ensureAppRole(admin, config);
    const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (!exists.rowCount) await admin.query(`create database ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const target = new pg.Client({ connectionString: config.databaseOwnerUrl });
  await target.connect();
  try {
    const { rows } = await target.query<{ n: string }>(
      `select count(*) as n from pg_tables where schemaname = 'public'`,
    );
    if (Number(rows[0]!.n) > 0) throw new Error(`The database ${name} is not empty; restore into a new one`);
  } finally {
    await target.end();
  }
}

/** Rows of every table in the public schema (as the owner: every organization's). */
async function countRows(client: pg.Client): Promise<Record<string, number>> {
  const { rows } = await client.query<{ tablename: string }>(
    `select tablename from pg_tables where schemaname = 'public' order by tablename`,
  );
  const counts: Record<string, number> = {};
  for (const { tablename } of rows) {
    const r = await client.query<{ n: string }>(`select count(*) as n from ${pg.escapeIdentifier(tablename)}`);
    counts[tablename] = Number(r.rows[0]!.n);
  }
  return counts;
}

async function digest(path: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

/** Runs a PostgreSQL client tool (PG_BIN, else the PATH's), failing with what it printed. */
function run(tool: string, args: string[]): Promise<void> {
  const bin = process.env.PG_BIN ? join(process.env.PG_BIN, tool) : tool;
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${tool} exited with ${code}: ${stderr.trim()}`)),
    );
  });
}
