import { describe, expect, it } from 'vitest';
import { asTenant } from '../helpers/campaigns.js';
import { createTenant, waitFor } from '../helpers/gql.js';
import { startWorkerProcess } from '../helpers/process.js';
import { startTestServer } from '../helpers/server.js';

const server = await startTestServer({ workers: false });
const workerEnv = { JOB_LOCK_MS: '2000' };

describe('a worker killed while reminders fire', () => {
  it('fires every reminder exactly once across a kill before and a kill during firing', async () => {
    const t = await createTenant(server.url);
    const count = 120;
    const dueAt = new Date(Date.now() + 12_000).toISOString();
    for (let i = 0; i < count; i += 20)
      await Promise.all(
        Array.from({ length: Math.min(20, count - i) }, (_, j) =>
          t.api.CreateTask({ input: { title: `Reminder ${i + j}`, dueAt } }),
        ),
      );
    const notified = () =>
      asTenant(server.config.databaseUrl, t, async (db) => {
        const r = await db.query<{ n: string; tasks: string }>(
          `select count(*) as n, count(distinct task_id) as tasks from notifications where kind = 'TASK_DUE'`,
        );
        return { rows: Number(r.rows[0]!.n), tasks: Number(r.rows[0]!.tasks) };
      });
    const kill = async (worker: Awaited<ReturnType<typeof startWorkerProcess>>) => {
      worker.kill('SIGKILL');
      await new Promise((r) => worker.once('exit', r));
    };

    // Killed while the reminders wait: they are delayed jobs in Redis, not timers in a process.
    await kill(await startWorkerProcess(server.config, workerEnv));
    expect((await notified()).rows).toBe(0);
    // Killed as soon as reminders start firing (some may be half done: written, not acknowledged).
    const second = await startWorkerProcess(server.config, workerEnv);
    await waitFor(async () => (await notified()).rows > 0, 40_000, 'the first reminders');
    await kill(second);

    const third = await startWorkerProcess(server.config, workerEnv);
    try {
      await waitFor(async () => (await notified()).tasks === count, 45_000, 'every reminder');
      await new Promise((r) => setTimeout(r, 3_000)); // a stalled job re-run would land now
    } finally {
      third.kill('SIGTERM');
      await new Promise((r) => third.once('exit', r));
    }
    expect(await notified()).toEqual({ rows: count, tasks: count }); // every task once, none twice
    const { tasks } = await t.api.Tasks({ first: 100 });
    expect(tasks.edges.every((e) => e.node.remindedAt)).toBe(true);
  }, 150_000);
});
