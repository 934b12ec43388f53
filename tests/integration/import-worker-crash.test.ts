import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { asTenant } from '../helpers/campaigns.js';
import { createTenant, waitFor } from '../helpers/gql.js';
import { startWorkerProcess, storageEnv } from '../helpers/process.js';
import { startTestServer } from '../helpers/server.js';

const server = await startTestServer({ workers: false });
// Worker processes share this server's object store (its s3rver), database and Redis namespace.
const workerEnv = { ...storageEnv(server.deps.storage.config), JOB_LOCK_MS: '2000' };

describe('a worker killed mid-import', () => {
  it('leaves the import to a new worker, which resumes after the last stored batch: each row once', async () => {
    const t = await createTenant(server.url);
    const rows = 40_000;
    const tag = randomUUID().slice(0, 6);
    const lines = ['Address,City,State,Zip,Beds'];
    for (let i = 0; i < rows; i++) lines.push(`${i + 1} ${tag} Cedar Lane,Austin,TX,78701,${2 + (i % 4)}`);
    const { createUploadUrl } = await t.api.CreateUploadUrl();
    expect((await fetch(createUploadUrl.url, { method: 'PUT', body: `${lines.join('\n')}\n` })).status).toBe(200);
    const { importProperties } = await t.api.ImportProperties({ input: { uploadId: createUploadUrl.uploadId } });

    const first = await startWorkerProcess(server.config, workerEnv);
    await waitFor(
      async () => (await t.api.Import({ id: importProperties.id })).import.rowsTotal >= 3_000,
      30_000,
      'first batches',
    );
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const atKill = (await t.api.Import({ id: importProperties.id })).import;
    expect(atKill.status).toBe('RUNNING');
    expect(atKill.rowsTotal).toBeLessThan(rows); // killed mid-import, not after it
    expect(atKill.rowsTotal % 1_000).toBe(0); // only whole batches were stored

    const second = await startWorkerProcess(server.config, workerEnv);
    try {
      const done = await waitFor(
        async () => {
          const { import: imp } = await t.api.Import({ id: importProperties.id });
          return imp.status === 'COMPLETED' || imp.status === 'FAILED' ? imp : null;
        },
        60_000,
        'import finished',
      );
      expect(done).toMatchObject({
        status: 'COMPLETED',
        rowsTotal: rows,
        rowsImported: rows,
        rowsDuplicate: 0,
        rowsInvalid: 0,
        issues: [],
      });
    } finally {
      second.kill('SIGTERM');
      await new Promise((r) => second.once('exit', r));
    }
    const stored = await asTenant(server.config.databaseUrl, t, (db) =>
      db.query<{ n: string; distinct_addresses: string }>(
        'select count(*) as n, count(distinct normalized_address) as distinct_addresses from properties where ' +
          "address_line like '%' || $1 || '%'",
        [tag],
      ),
    );
    expect(stored.rows[0]).toEqual({ n: String(rows), distinct_addresses: String(rows) });
  }, 120_000);
});
