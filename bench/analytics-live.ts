import { Worker } from 'bullmq';
import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import pg from 'pg';
import { WebSocket } from 'ws';
import { LogActivityDocument } from '../client/index.js';
import { Role } from '../entities/enums.js';
import { createDeps } from '../src/platform/deps.js';
import { QueueName } from '../src/platform/jobs/queues.js';
import { createLogger } from '../src/platform/observability/logger.js';
import { createRedis } from '../src/platform/redis.js';
import type { Config } from '../src/platform/config.js';
import { analyticsRollup } from '../workers/analytics-rollup.js';
import { jobProcessor } from '../workers/index.js';
import { apiWithToken, fmt, percentile } from './lib.js';

const LEADS = Number(process.env.BENCH_LIVE_LEADS ?? 20_000);
const DELIVERY_SECONDS = Number(process.env.BENCH_LIVE_SECONDS ?? 20);
const RATE = 50;
const BURST_SECONDS = Number(process.env.BENCH_ROLLUP_SECONDS ?? 60);
const BURST_RATE = 500;

/** The live dashboard a subscriber keeps open; ACTIVITIES counts this run's calls. */
const LIVE = `subscription {
  analyticsUpdated(range: { preset: LAST_30_DAYS }) {
    funnel { step count medianDaysFromPrevious }
    team { userId leadsAssigned medianFirstResponseMinutes activitiesByType { type count } dealsMoved }
    revenue(bucket: WEEK) { closedWon revenue }
    activities: series(metric: ACTIVITIES, bucket: MONTH) { start value }
  }
}`;
const EVENTS = `subscription { pipelineEvents { type activity { id } } }`;

/** An organization with LEADS leads over 30 days, 5 activities each, a deal for one in ten. */
async function fixture(config: Config): Promise<{ organizationId: string; userId: string; leadId: string }> {
  const db = new pg.Client({ connectionString: config.databaseOwnerUrl });
  await db.connect();
  const org = crypto.randomUUID();
  const user = crypto.randomUUID();
  await db.query(`insert into organizations (id, name) values ($1, 'analytics live bench')`, [org]);
  await db.query(
    `insert into users (id, organization_id, email, name, role, password_hash)
     values ($1, $2, $3, 'Owner', 'OWNER', 'x')`,
    [user, org, `live-${user}@example.com`],
  );
  await db.query(
    `insert into leads (id, organization_id, created_at, updated_at, first_name, last_name, source, assigned_user_id)
     select gen_random_uuid(), $1, now() - (i % 30) * interval '1 day', now(), 'Live', 'No' || i,
            (array['PPC','SEO','SMS','DIRECT_MAIL'])[1 + i % 4]::lead_source, $2
       from generate_series(1, $3::int) as i`,
    [org, user, LEADS],
  );
  await db.query(
    `insert into activities (id, organization_id, lead_id, type, direction, occurred_at, user_id)
     select gen_random_uuid(), $1, l.id, 'SMS', 'OUTBOUND', l.created_at + k * interval '1 hour', $2
       from (select id, created_at from leads where organization_id = $1) l, generate_series(1, 5) as k`,
    [org, user],
  );
  const { rows } = await db.query<{ id: string }>(
    `select id from leads where organization_id = $1 order by created_at desc limit 1`,
    [org],
  );
  await db.query('vacuum analyze');
  await db.end();
  return { organizationId: org, userId: user, leadId: rows[0]!.id };
}

function listen(wsUrl: string, token: string, query: string, onPush: (data: unknown) => void) {
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
  });
  client.subscribe(
    { query },
    {
      next: (m) => (m.errors ? console.error('push failed', m.errors) : onPush(m.data)),
      error: (e) => console.error('subscription failed', e),
      complete: () => undefined,
    },
  );
  return client;
}

/**
 * Mutation → analyticsUpdated delivery under a steady 50 mutations/s (one API process, the analytics
 * job in this process), beside the same mutations' pipelineEvents delivery (the bare event path);
 * then whether the fold keeps up with 500 changes/s for a minute.
 */
export async function benchAnalyticsLive(config: Config): Promise<Record<string, unknown>> {
  const { organizationId, userId, leadId } = await fixture(config);
  const deps = await createDeps(config, createLogger('warn'));
  const connection = createRedis(config);
  const worker = new Worker(QueueName.ANALYTICS, jobProcessor(deps, [analyticsRollup]), {
    connection,
    prefix: config.redisPrefix,
    concurrency: analyticsRollup.concurrency(5),
  });
  const { app, token } = await apiWithToken(config, { id: userId, organizationId, role: Role.OWNER });
  const wsUrl = app.url.replace(/^http/, 'ws');

  // Delivery: mutation i is delivered when a push counts at least i of this run's calls.
  const sent: number[] = [];
  const analyticsLatency: number[] = [];
  const eventLatency: number[] = [];
  let delivered = 0;
  let announced = 0;
  const calls = (d: unknown) =>
    (
      d as { analyticsUpdated: { team: { activitiesByType: { type: string; count: number }[] }[] } }
    ).analyticsUpdated.team
      .flatMap((m) => m.activitiesByType)
      .filter((a) => a.type === 'CALL')
      .reduce((sum, a) => sum + a.count, 0);
  const live = listen(wsUrl, token, LIVE, (d) => {
    const now = performance.now();
    for (const n = calls(d); delivered < n && delivered < sent.length; delivered++)
      analyticsLatency.push(now - sent[delivered]!);
  });
  // The n-th ACTIVITY_LOGGED event announces the n-th mutation (near enough: responses may overtake).
  const events = listen(wsUrl, token, EVENTS, (d) => {
    const type = (d as { pipelineEvents: { type: string } }).pipelineEvents.type;
    if (type === 'ACTIVITY_LOGGED' && announced < sent.length)
      eventLatency.push(performance.now() - sent[announced++]!);
  });
  await new Promise((r) => setTimeout(r, 1_000));
  const body = JSON.stringify({
    query: print(LogActivityDocument),
    variables: { input: { leadId, type: 'CALL', direction: 'OUTBOUND' } },
  });
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < RATE * DELIVERY_SECONDS; i++) {
    const due = started + (i * 1000) / RATE;
    await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
    sent.push(performance.now());
    inflight.push(
      fetch(app.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body,
      })
        .then((res) => res.json() as Promise<{ errors?: unknown }>)
        .then((j) => {
          if (j.errors) throw new Error(`logActivity failed: ${JSON.stringify(j.errors)}`);
        }),
    );
  }
  await Promise.all(inflight);
  await new Promise((r) => setTimeout(r, 3_000));
  await live.dispose();
  await events.dispose();
  const sortedA = [...analyticsLatency].sort((a, b) => a - b);
  const sortedE = [...eventLatency].sort((a, b) => a - b);

  const rollup = await sustained(config, deps, organizationId);
  await app.stop();
  await worker.close();
  connection.disconnect();
  await deps.close();

  const out = {
    mutations: sent.length,
    analyticsDelivered: analyticsLatency.length,
    analyticsP50: percentile(sortedA, 50),
    analyticsP95: percentile(sortedA, 95),
    eventsP50: percentile(sortedE, 50),
    eventsP95: percentile(sortedE, 95),
    ...rollup,
  };
  const lines = [
    `Live analytics (${LEADS.toLocaleString()} leads, ${(LEADS * 5).toLocaleString()} activities; one API process)`,
    `  mutation → analyticsUpdated, ${RATE}/s for ${DELIVERY_SECONDS} s: p50 ${fmt(out.analyticsP50)} ms  ` +
      `p95 ${fmt(out.analyticsP95)} ms  (${out.analyticsDelivered}/${out.mutations} delivered; ` +
      `target p95 ≤ 500 ms)`,
    `  same mutations → pipelineEvents (bare event path): p50 ${fmt(out.eventsP50)} ms  ` +
      `p95 ${fmt(out.eventsP95)} ms`,
    `  ${BURST_RATE} changes/s for ${BURST_SECONDS} s: pending deltas every 10 s ` +
      `${rollup.pendingSamples.join(', ')}; folds ${rollup.folds}; drained ${fmt(rollup.drainMs, 0)} ms ` +
      `after the last change (${rollup.growing ? 'BACKLOG GROWS' : 'no growing backlog'})`,
  ];
  console.log(`\n${lines.join('\n')}`);
  return { analyticsLive: out };
}

/**
 * 500 activity inserts a second for BURST_SECONDS, each its own statement (as a mutation makes it)
 * and each marking the organization changed as a mutation's event does — written straight to
 * PostgreSQL, since one API process on this machine cannot make 500 mutations a second — while the
 * analytics job folds. Samples the pending deltas every 10 s.
 */
async function sustained(config: Config, deps: Awaited<ReturnType<typeof createDeps>>, organizationId: string) {
  const pool = new pg.Pool({ connectionString: config.databaseOwnerUrl, max: 8 });
  const { rows } = await pool.query<{ id: string }>(`select id from leads where organization_id = $1 limit 100`, [
    organizationId,
  ]);
  const pending = async () =>
    Number(
      (
        await pool.query(`select count(*) as n from analytics_activity_deltas where organization_id = $1`, [
          organizationId,
        ])
      ).rows[0].n,
    );
  const foldsBefore = await deps.queues.analytics.getCompletedCount();
  const samples: number[] = [];
  const started = performance.now();
  const writes: Promise<unknown>[] = [];
  let nextSample = started + 10_000;
  for (let i = 0; i < BURST_RATE * BURST_SECONDS; i++) {
    const due = started + (i * 1000) / BURST_RATE;
    if (due - performance.now() > 1) await new Promise((r) => setTimeout(r, due - performance.now()));
    writes.push(
      pool
        .query(
          `insert into activities (id, organization_id, lead_id, type, direction, occurred_at)
           values (gen_random_uuid(), $1, $2, 'EMAIL', 'OUTBOUND', now())`,
          [organizationId, rows[i % rows.length]!.id],
        )
        .then(() => deps.analytics.changed(organizationId)),
    );
    if (writes.length >= 200) await Promise.all(writes.splice(0));
    if (performance.now() >= nextSample) {
      samples.push(await pending());
      nextSample += 10_000;
    }
  }
  await Promise.all(writes);
  const last = performance.now();
  while ((await pending()) > 0 && performance.now() - last < 30_000) await new Promise((r) => setTimeout(r, 50));
  const drainMs = performance.now() - last;
  const folds = (await deps.queues.analytics.getCompletedCount()) - foldsBefore;
  await pool.end();
  const steady = samples.slice(1);
  return {
    pendingSamples: samples,
    folds,
    drainMs,
    growing: steady.length > 1 && steady.at(-1)! > 2 * Math.max(steady[0]!, BURST_RATE),
  };
}
