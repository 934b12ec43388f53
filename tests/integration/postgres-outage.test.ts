import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalSmtp } from '../../src/platform/mail/local-smtp.js';
import { prepareDatabase } from '../../src/platform/db/bootstrap.js';
import { campaignCompleted, seedOptedInLeads } from '../helpers/campaigns.js';
import { testConfig } from '../helpers/env.js';
import { createTenant, nodes, waitFor, type Tenant } from '../helpers/gql.js';
import { startOwnPostgres } from '../helpers/own-postgres.js';
import { startWorkerProcess, storageEnv } from '../helpers/process.js';
import { startTestServer } from '../helpers/server.js';

/**
 * Postgres goes away under running work (a managed failover takes 20–60 s): a server of the test's
 * own, stopped at once (connections cut) and started again; the API and a worker process use it.
 */
const pg = await startOwnPostgres();
const smtp = await startLocalSmtp();
const DB = 'reos_outage';
const config = testConfig({ databaseUrl: pg.url(DB, 'reos_app'), databaseOwnerUrl: pg.url(DB), smtpUrl: smtp.url });
await prepareDatabase(config);
const server = await startTestServer({ config, workers: false });
const workers: ChildProcess[] = [];
afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL');
  await smtp.close();
});

// Worker processes share this server's object store (its s3rver), mail server, database and Redis namespace.
async function worker(env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = await startWorkerProcess(config, {
    ...storageEnv(server.deps.storage.config),
    SMTP_URL: smtp.url,
    REMINDER_SWEEP_MS: '1000',
    // Recipients a batch had claimed when Postgres went away wait out the claim (120 s by default,
    // since the claim could be another live worker's) before they are taken over; shorter here.
    SEND_CLAIM_STALE_MS: '3000',
    ...env,
  });
  workers.push(child);
  child.stdout!.on('data', (d: Buffer) => process.env.DEBUG_OUTAGE && process.stderr.write(d));
  return child;
}

function csv(tag: string, rows: number): string {
  const lines = ['First Name,Last Name,Email'];
  for (let i = 0; i < rows; i++) lines.push(`Row${i},${tag},row${i}-${tag}@example.com`);
  return lines.join('\n') + '\n';
}

const importOf = async (t: Tenant, id: string) => (await t.api.Import({ id, first: 5 })).import;

describe('Postgres unavailable under running jobs', () => {
  it('a 30 s outage in the middle of an import and a campaign: both finish, nothing lost or sent twice', async () => {
    const w = await worker();
    const t = await createTenant(server.url);
    const emails = await seedOptedInLeads(config.databaseUrl, t, 300, 'outage');
    const { createTemplate } = await t.api.CreateTemplate({
      input: { name: 'Outage', channel: 'EMAIL', subject: 'Hi {{lead.firstName}}', body: 'Hello' },
    });
    const { createCampaign } = await t.api.CreateCampaign({
      input: { name: 'Outage', channel: 'EMAIL', templateId: createTemplate.id, windowStartHour: 0, windowEndHour: 24 },
    });
    const rows = 4_000;
    const { importLeads } = await t.api.ImportLeads({ input: { csv: csv('outage', rows), fileName: 'outage.csv' } });
    await t.api.LaunchCampaign({ id: createCampaign.id });
    await waitFor(
      async () => ((await importOf(t, importLeads.id)).status === 'RUNNING' ? true : null),
      30_000,
      'import running',
    );

    pg.stop();
    const down = Date.now();
    await new Promise((r) => setTimeout(r, 30_000));
    pg.start();
    console.log(`postgres outage: ${((Date.now() - down) / 1000).toFixed(1)} s`);
    const imported = await waitFor(
      async () => {
        const i = await importOf(t, importLeads.id).catch(() => null);
        return i && i.status !== 'RUNNING' && i.status !== 'QUEUED' ? i : null;
      },
      90_000,
      'import finished',
    );
    expect([imported.status, imported.rowsImported, imported.rowsTotal]).toEqual(['COMPLETED', rows, rows]);
    const leads = await t.api.Leads({ first: 1, filter: { search: 'outage' } });
    expect(leads.leads.totalCount).toBe(rows + 300); // the imported rows once each, and the campaign's leads
    const done = await campaignCompleted(t, createCampaign.id, 90_000);
    expect(done.stats).toMatchObject({ total: 300, sent: 300, failed: 0 });
    const ours = new Set(emails);
    const byAddress = new Map<string, Set<string>>();
    for (const m of smtp.received.filter((x) => ours.has(x.envelopeTo[0]!)))
      byAddress.set(m.envelopeTo[0]!, (byAddress.get(m.envelopeTo[0]!) ?? new Set()).add(m.parsed.messageId!));
    expect(byAddress.size).toBe(300);
    for (const [to, ids] of byAddress) expect(ids.size, to).toBe(1); // a resend keeps its Message-ID
    expect((await t.api.FailedJobs({ first: 10 })).failedJobs.totalCount).toBe(0);
    w.kill('SIGTERM');
  }, 180_000);

  it('past the wait the job gives up: its dead letter waits in Redis, then lands with the row FAILED', async () => {
    // Jobs of two attempts (set by the API that queues them), and a worker that waits out an outage
    // for 1 s only: the outage outlasts both.
    const strict = await startTestServer({ config: { ...config, jobAttempts: 2, jobBackoffMs: 200 }, workers: false });
    const w = await worker({ JOB_DATABASE_WAIT_MS: '1000' });
    const t = await createTenant(strict.url);
    const rows = 4_000;
    const { importLeads } = await t.api.ImportLeads({ input: { csv: csv('gaveup', rows), fileName: 'gaveup.csv' } });
    await waitFor(
      async () => ((await importOf(t, importLeads.id)).status === 'RUNNING' ? true : null),
      30_000,
      'import running',
    );
    pg.stop();
    await new Promise((r) => setTimeout(r, 8_000));
    pg.start();

    const failed = await waitFor(
      async () => {
        const i = await importOf(t, importLeads.id).catch(() => null);
        return i?.status === 'FAILED' ? i : null;
      },
      30_000,
      'import marked FAILED once Postgres is back',
    );
    expect(failed.error).toBeTruthy();
    // (Other jobs of this organization that ran out of attempts meanwhile, its analytics rollup, are there too.)
    const dead = nodes((await t.api.FailedJobs({ first: 10, queue: 'import' })).failedJobs);
    expect(dead.map((d) => [d.queue, (d.payload as { importId: string }).importId])).toEqual([
      ['import', importLeads.id],
    ]);
    w.kill('SIGTERM');

    // Replayed: the import finishes, every row once.
    await worker();
    await t.api.ReplayJob({ id: dead[0]!.id });
    const replayed = await waitFor(
      async () => {
        const i = await importOf(t, importLeads.id);
        return i.status === 'COMPLETED' ? i : null;
      },
      60_000,
      'replayed import completed',
    );
    expect(replayed.rowsImported + replayed.rowsDuplicate).toBe(rows);
    expect((await t.api.Leads({ first: 1, filter: { search: 'gaveup' } })).leads.totalCount).toBe(rows);
  }, 150_000);
});
