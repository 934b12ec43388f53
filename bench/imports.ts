import { pipeline } from 'node:stream/promises';
import { Worker } from 'bullmq';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { ImportKind, ImportStatus, Role } from '../entities/enums.js';
import { Import, Organization, User } from '../entities/index.js';
import type { Config } from '../src/platform/config.js';
import { createDeps } from '../src/platform/deps.js';
import { createLogger } from '../src/platform/observability/logger.js';
import { QueueName } from '../src/platform/jobs/queues.js';
import { createRedis } from '../src/platform/redis.js';
import { createServices } from '../src/domains/index.js';
import { uploadKey } from '../src/domains/imports/ImportService.js';
import { forkForTenant, runAsTenant } from '../src/platform/tenancy/tenant-em.js';
import { importCsv } from '../workers/import-csv.js';
import { jobProcessor } from '../workers/index.js';
import { fmt } from './lib.js';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
const HEADER = [
  'Property Address',
  'Property City',
  'Property State',
  'Property Zip',
  'Property Type',
  'Bedrooms',
  'Bathrooms',
  'Building Sqft',
  'Lot Size Sqft',
  'Year Built',
  'Est. Value',
  'Last Sale Date',
  'Last Sale Price',
  'Owner 1 Full Name',
  'Owner Occupied',
  'Mailing Address',
];
const CITIES: [string, string, string][] = [
  ['Austin', 'TX', '78701'],
  ['Houston', 'TX', '77002'],
  ['Phoenix', 'AZ', '85004'],
  ['Tampa', 'FL', '33602'],
  ['Atlanta', 'GA', '30303'],
  ['Memphis', 'TN', '38103'],
];

/** A PropStream-style export: 1% invalid rows (bad ZIPs), 1% repeats of an earlier address. */
function propertyList(rows: number): Buffer {
  const lines = [HEADER.join(',')];
  for (let i = 0; i < rows; i++) {
    const n = i % 100 === 42 && i > 0 ? i - 1 : i;
    const [city, state, zip] = CITIES[n % CITIES.length]!;
    lines.push(
      [
        `${1000 + n} Bench ${Math.floor(n / 1000)} Street`,
        city,
        state,
        i % 100 === 7 ? 'ABCDE' : zip,
        i % 9 === 0 ? 'Duplex' : 'SFR',
        2 + (i % 4),
        1 + (i % 3),
        900 + (i % 2500),
        4000 + (i % 9000),
        1950 + (i % 70),
        `"$${(150_000 + (i % 400) * 1_000).toLocaleString('en-US')}"`,
        `${1 + (i % 12)}/${1 + (i % 28)}/20${10 + (i % 14)}`,
        120_000 + (i % 300) * 1_000,
        `"Owner${i}, Pat"`,
        i % 3 === 0 ? 'Y' : 'N',
        `"PO Box ${i}, ${city} ${state}"`,
      ].join(','),
    );
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

/**
 * A 100,000-row property import, end to end: importProperties on an uploaded file (S3) → the import
 * job streams it, validates every row, de-duplicates, inserts in batches, writes the report and
 * enqueues geocoding — timed until the import is COMPLETED. Baseline: PostgreSQL's own COPY of the
 * same file from the same object store into a table of text columns (no validation, no
 * de-duplication), through pg-copy-streams.
 */
export async function benchImports(config: Config): Promise<Record<string, unknown>> {
  const deps = await createDeps(config, createLogger('warn'));
  const file = propertyList(ROWS);
  const org = new Organization();
  org.name = 'Import bench';
  const out = await runAsTenant(org.id, async () => {
    const em = forkForTenant(deps.orm, org.id);
    em.persist(org);
    const user = em.create(User, {
      organizationId: org.id,
      email: `import-${org.id}@example.com`,
      name: 'I',
      role: Role.OWNER,
      passwordHash: 'x',
    });
    await em.flush();
    const uploadId = crypto.randomUUID();
    await deps.storage.put(uploadKey(org.id, uploadId), file, 'text/csv');

    // Baseline: COPY the same bytes, streamed from the same object store.
    const db = new pg.Client({ connectionString: config.databaseOwnerUrl });
    await db.connect();
    await db.query(`create temp table bench_copy (${HEADER.map((_, i) => `c${i} text`).join(', ')})`);
    let t = performance.now();
    await pipeline(
      await deps.storage.get(uploadKey(org.id, uploadId)),
      db.query(copyFrom('copy bench_copy from stdin with (format csv, header true)')),
    );
    const copySeconds = (performance.now() - t) / 1000;
    const copied = Number((await db.query('select count(*) as n from bench_copy')).rows[0].n);
    await db.end();

    const connection = createRedis(config);
    const worker = new Worker(QueueName.IMPORT, jobProcessor(deps, [importCsv]), {
      connection,
      prefix: config.redisPrefix,
      concurrency: 1,
    });
    const s = createServices({
      em: forkForTenant(deps.orm, org.id),
      actor: { id: user.id, organizationId: org.id, role: Role.OWNER },
      deps,
    });
    t = performance.now();
    const started = await s.imports.start(ImportKind.PROPERTIES, { uploadId, fileName: 'bench.csv' });
    let done: Import;
    for (;;) {
      done = await forkForTenant(deps.orm, org.id).findOneOrFail(Import, { id: started.id });
      if (done.status === ImportStatus.COMPLETED || done.status === ImportStatus.FAILED) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const importSeconds = (performance.now() - t) / 1000;
    await worker.close();
    connection.disconnect();
    await deps.queues.geocode.obliterate({ force: true });
    await deps.queues.import.obliterate({ force: true });
    return { copySeconds, copied, importSeconds, imp: done };
  });
  await deps.close();

  const { imp } = out;
  console.log(
    `\nProperty import, ${ROWS.toLocaleString('en-US')} rows, ${(file.length / 1024 / 1024).toFixed(1)} MB ` +
      `(target >= 5,000 rows/s)`,
  );
  console.log(
    `  importProperties end to end (job, validate, de-duplicate, insert, report, geocode jobs)  ` +
      (`${fmt(ROWS / out.importSeconds, 0)} rows/s   (${imp.status}: ${imp.rowsImported} stored, ` +
        `${imp.rowsInvalid} invalid, ${imp.rowsDuplicate} duplicate)`),
  );
  console.log(
    `  baseline: raw COPY of the same file into text columns                                   ` +
      `${fmt(ROWS / out.copySeconds, 0)} rows/s   (${out.copied} copied)`,
  );
  return {
    propertyImport: {
      rowsPerSecond: ROWS / out.importSeconds,
      baselineRowsPerSecond: ROWS / out.copySeconds,
      stored: imp.rowsImported,
      invalid: imp.rowsInvalid,
      duplicate: imp.rowsDuplicate,
      status: imp.status,
    },
  };
}
