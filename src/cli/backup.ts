import { resolve } from 'node:path';
import { loadConfig } from '../platform/config.js';
import { backup, restore } from '../platform/db/backup.js';
import { startLocalS3 } from '../platform/storage/local-s3.js';
import { ObjectStorage } from '../platform/storage/ObjectStorage.js';

/**
 * `npm run backup -- <folder>` and `npm run restore -- <folder>` (docs/runbook.md, "Backup and
 * restore"): the configured database and object store (DATABASE_OWNER_URL, S3_*; the local store
 * under LOCAL_S3_DIR when no S3_ENDPOINT is set) to or from a folder.
 */
async function main(): Promise<void> {
  const [command, folder] = [process.argv[2], process.argv[3]];
  if ((command !== 'backup' && command !== 'restore') || !folder) {
    console.error('usage: backup.js backup|restore <folder>');
    process.exit(2);
  }
  const config = loadConfig();
  const local = config.s3.endpoint ? null : await startLocalS3(config.localS3Dir, config.s3.bucket);
  const storage = new ObjectStorage(local?.config ?? { ...config.s3, endpoint: config.s3.endpoint! });
  const started = Date.now();
  try {
    if (command === 'backup') {
      const m = await backup(config, storage, resolve(folder));
      const rows = Object.values(m.tables).reduce((a, b) => a + b, 0);
      console.log(
        `Backed up ${m.database}: ${rows} rows in ${Object.keys(m.tables).length} tables ` +
          `(${(m.dump.bytes / 1e6).toFixed(1)} MB dump) and ${m.files.length} files to ${resolve(folder)} ` +
          `in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    } else {
      const { manifest, mismatches } = await restore(config, storage, resolve(folder));
      if (mismatches.length) {
        console.error(`Restored, but row counts differ from the backup:\n  ${mismatches.join('\n  ')}`);
        process.exitCode = 1;
      } else
        console.log(
          `Restored ${manifest.database} (${Object.keys(manifest.tables).length} tables, every row count as backed ` +
            `up) and ${manifest.files.length} files in ${((Date.now() - started) / 1000).toFixed(1)} s`,
        );
    }
  } catch (err) {
    console.error((err as Error).message);
    process.exitCode = 1;
  } finally {
    await local?.close();
  }
}

void main();
