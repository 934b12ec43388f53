import { Queue, Worker } from 'bullmq';
import pg from 'pg';
import type { Config } from '../src/platform/config.js';
import { createDeps } from '../src/platform/deps.js';
import { jobIds } from '../src/platform/jobs/job-ids.js';
import { QueueName } from '../src/platform/jobs/queues.js';
import { createLogger } from '../src/platform/observability/logger.js';
import { createRedis } from '../src/platform/redis.js';
import { taskReminder } from '../workers/task-reminder.js';
import { jobProcessor } from '../workers/index.js';
import { fmt, percentile } from './lib.js';

const COUNT = Number(process.env.BENCH_REMINDERS ?? 10_000);
const LEAD_SECONDS = 20;

/**
 * 10,000 task reminders due in the same second, delivered by one worker process: each runs
 * TaskService.remind (re-reads the task, stores the TASK_DUE notification with its dedupe key,
 * publishes it to the assignee's channel). Measured from the due time to the last notification
 * stored. Baseline: a bare BullMQ worker on the same Redis taking 10,000 delayed jobs due at the
 * same time and doing nothing. Target: all delivered within 60 s.
 */
export async function benchReminders(config: Config): Promise<Record<string, unknown>> {
  const deps = await createDeps(config, createLogger('warn'));
  const db = new pg.Client({ connectionString: config.databaseOwnerUrl });
  await db.connect();
  const org = crypto.randomUUID();
  const agents = Array.from({ length: 20 }, () => crypto.randomUUID());
  await db.query(`insert into organizations (id, name) values ($1, 'reminder bench')`, [org]);
  await db.query(
    `insert into users (id, organization_id, email, name, role, password_hash)
     select a, $1, 'rem-' || a || '@example.com', 'Agent', 'AGENT', 'x' from unnest($2::uuid[]) as a`,
    [org, agents],
  );
  const due = new Date(Math.ceil((Date.now() + LEAD_SECONDS * 1000) / 1000) * 1000);
  const { rows } = await db.query<{ id: string }>(
    `insert into tasks (id, organization_id, title, type, status, due_at, assignee_id, reminder_queued_version)
     select gen_random_uuid(), $1, 'Call back #' || i, 'CALL', 'OPEN', $2, ($3::uuid[])[1 + i % 20], 0
       from generate_series(1, $4::int) as i returning id`,
    [org, due, agents, COUNT],
  );
  // The jobs TaskService.schedule makes, added in bulk.
  const delay = () => Math.max(0, due.getTime() - Date.now());
  for (let i = 0; i < rows.length; i += 1_000)
    await deps.queues.reminder.addBulk(
      rows.slice(i, i + 1_000).map((r) => ({
        name: 'task-reminder',
        data: { organizationId: org, taskId: r.id, version: 0 },
        opts: { jobId: jobIds.taskReminder(r.id, 0), delay: delay() },
      })),
    );

  const connection = createRedis(config);
  const worker = new Worker(QueueName.REMINDER, jobProcessor(deps, [taskReminder]), {
    connection,
    prefix: config.redisPrefix,
    concurrency: taskReminder.concurrency(5),
  });
  let stored = 0;
  while (stored < COUNT && Date.now() < due.getTime() + 180_000) {
    await new Promise((r) => setTimeout(r, 250));
    stored = Number(
      (await db.query(`select count(*) as n from notifications where organization_id = $1`, [org])).rows[0].n,
    );
  }
  const lateness = (
    await db.query<{ s: number }>(
      `select extract(epoch from created_at - $2::timestamptz)::float8 as s
         from notifications where organization_id = $1 order by 1`,
      [org, due],
    )
  ).rows.map((r) => r.s);
  await worker.close();

  // Baseline: the same number of delayed jobs on a bare queue, a no-op worker with the same concurrency.
  const bareName = `bare-reminders-${crypto.randomUUID().slice(0, 8)}`;
  const bare = new Queue(bareName, { connection, prefix: config.redisPrefix });
  const bareDue = Date.now() + LEAD_SECONDS * 1000;
  for (let i = 0; i < COUNT; i += 1_000)
    await bare.addBulk(
      Array.from({ length: Math.min(1_000, COUNT - i) }, (_, k) => ({
        name: 'noop',
        data: { n: i + k },
        opts: { delay: Math.max(0, bareDue - Date.now()) },
      })),
    );
  const bareDone: number[] = [];
  const bareWorker = new Worker(bareName, async () => void bareDone.push(Date.now()), {
    connection,
    prefix: config.redisPrefix,
    concurrency: taskReminder.concurrency(5),
  });
  while (bareDone.length < COUNT && Date.now() < bareDue + 180_000) await new Promise((r) => setTimeout(r, 100));
  await bareWorker.close();
  await bare.obliterate({ force: true });
  await deps.queues.reminder.obliterate({ force: true });
  connection.disconnect();
  await db.end();
  await deps.close();

  const bareLate = bareDone.map((t) => (t - bareDue) / 1000).sort((a, b) => a - b);
  const out = {
    reminders: COUNT,
    delivered: lateness.length,
    lastSeconds: lateness.at(-1) ?? NaN,
    p50Seconds: percentile(lateness, 50),
    p95Seconds: percentile(lateness, 95),
    baselineDelivered: bareLate.length,
    baselineLastSeconds: bareLate.at(-1) ?? NaN,
    baselineP95Seconds: percentile(bareLate, 95),
  };
  console.log(
    `\nTask reminders: ${COUNT.toLocaleString()} due in the same second, one worker process ` +
      `(concurrency ${taskReminder.concurrency(5)})\n` +
      `  reminders → notifications: ${out.delivered.toLocaleString()} delivered, last ${fmt(out.lastSeconds)} s ` +
      `after due (p50 ${fmt(out.p50Seconds)} s, p95 ${fmt(out.p95Seconds)} s; target: all within 60 s)\n` +
      `  bare BullMQ no-op jobs:     ${out.baselineDelivered.toLocaleString()} done, ` +
      `last ${fmt(out.baselineLastSeconds)} s ` +
      `after due (p95 ${fmt(out.baselineP95Seconds)} s)`,
  );
  return { reminders: out };
}
