import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { jobIds } from '../../src/platform/jobs/job-ids.js';
import { startWorkers, type RunningWorkers } from '../../workers/index.js';
import { createTenant, nodes, waitFor } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';

// Workers start inside the test, after the "crash" left the task without its reminder job.
const server = await startTestServer({ workers: false, config: { reminderSweepMs: 300 } });
let workers: RunningWorkers | null = null;
afterAll(async () => {
  await workers?.close();
});

describe('the reminder outbox', () => {
  it('a task stored without its reminder job (a crash between the two) is reminded once, by the sweep', async () => {
    const t = await createTenant(server.url);
    const due = new Date(Date.now() + 4_000);
    const { createTask } = await t.api.CreateTask({
      input: { title: 'Stored, never queued', dueAt: due.toISOString() },
    });
    await t.api.CreateTask({
      input: { title: 'Queued as usual', dueAt: due.toISOString() },
    });
    const { reminder } = server.deps.queues;
    expect(await reminder.getJob(jobIds.taskReminder(createTask.id, 0))).toBeTruthy();

    // What a process killed after the commit, before the enqueue, leaves behind: the row, no job.
    await (await reminder.getJob(jobIds.taskReminder(createTask.id, 0)))!.remove();
    const db = new pg.Client({ connectionString: server.config.databaseOwnerUrl });
    await db.connect();
    try {
      await db.query(
        `update tasks set reminder_queued_version = null, updated_at = now() - interval '1 minute' where id = $1`,
        [createTask.id],
      );
      workers = startWorkers(server.deps);
      await waitFor(async () => (await reminder.getJob(jobIds.taskReminder(createTask.id, 0))) ?? null, 10_000);
      const dueNotifications = async () =>
        nodes((await t.api.Notifications({ first: 50 })).notifications).filter((n) => n.kind === 'TASK_DUE');
      const fired = await waitFor(
        async () => ((await dueNotifications()).length === 2 ? dueNotifications() : null),
        20_000,
      );
      expect(fired.map((n) => n.title).sort()).toEqual(['Due: Queued as usual', 'Due: Stored, never queued']);
      const { rows } = await db.query('select reminder_queued_version, reminded_at from tasks where id = $1', [
        createTask.id,
      ]);
      expect(rows[0].reminder_queued_version).toBe(0);
      expect(new Date(rows[0].reminded_at).getTime()).toBeGreaterThanOrEqual(due.getTime() - 50);
      await new Promise((r) => setTimeout(r, 1_000)); // further sweeps find nothing to queue
      expect(await dueNotifications()).toHaveLength(2);
    } finally {
      await db.end();
    }
  });
});
