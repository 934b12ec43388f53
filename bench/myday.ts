import { print } from 'graphql';
import pg from 'pg';
import { MyDayDocument } from '../client/index.js';
import { Role } from '../entities/enums.js';
import type { Config } from '../src/platform/config.js';
import { apiWithToken, fmt, median, percentile, timedPost } from './lib.js';

const LEADS = Number(process.env.BENCH_MYDAY_LEADS ?? 200_000);
const TASKS = Number(process.env.BENCH_MYDAY_TASKS ?? 50_000);
const AGENTS = 10;
const ROUNDS = 5;
const PER_ROUND = 60;
const QUERY = print(MyDayDocument);
const BASELINE = `query($id: ID!) { leads(first: 25, filter: { assignedUserId: $id }) {
  edges { node { id firstName lastName score lastContactedAt } } } }`;

/**
 * One organization the size of a busy team's: 200,000 leads over 10 agents (most contacted, some
 * with replies waiting, a spread of scores and ages) and 50,000 open tasks (a third overdue), written
 * in bulk SQL as the owner (the task trigger fills each lead's counters as it would in service).
 * A second organization of the same size shares the tables, so nothing is fast because it is alone.
 */
async function fixture(config: Config): Promise<{ organizationId: string; agentId: string }[]> {
  const db = new pg.Client({ connectionString: config.databaseOwnerUrl });
  await db.connect();
  const orgs: { organizationId: string; agentId: string }[] = [];
  for (let o = 0; o < 2; o++) {
    const org = crypto.randomUUID();
    await db.query(`insert into organizations (id, name, time_zone) values ($1, 'myDay bench', 'America/Chicago')`, [
      org,
    ]);
    const agents = Array.from({ length: AGENTS }, () => crypto.randomUUID());
    await db.query(
      `insert into users (id, organization_id, email, name, role, password_hash)
       select a, $1, 'agent-' || a || '@example.com', 'Agent ' || ord, 'AGENT', 'x'
         from unnest($2::uuid[]) with ordinality as t(a, ord)`,
      [org, agents],
    );
    await db.query(
      `insert into leads (id, organization_id, created_at, updated_at, first_name, last_name, phone, status,
                          assigned_user_id, last_contacted_at, last_inbound_at, last_activity_at, score)
       select gen_random_uuid(), $1, now() - (i % 700) * interval '1 day', now(), 'Seller', 'No' || i,
              '+1512' || lpad((i % 10000000)::text, 7, '0'),
              (array['NEW','CONTACTED','QUALIFIED','NURTURE','DEAD'])[1 + i % 5]::lead_status,
              ($2::uuid[])[1 + i % ${AGENTS}],
              case when i % 10 < 7 and i % 15 <> 0 then now() - (i % 90) * interval '1 day' end,
              case when i % 97 = 0 then now() - (i % 5) * interval '1 hour' end,
              case when i % 10 < 7 and i % 15 <> 0 then now() - (i % 90) * interval '1 day' end,
              (i * 37 % 1000) / 10.0
         from generate_series(1, $3::int) as i`,
      [org, agents, LEADS],
    );
    await db.query(
      `insert into tasks (id, organization_id, title, type, priority, status, due_at, all_day, assignee_id, lead_id,
                          reminder_queued_version)
       select gen_random_uuid(), $1, 'Call back', 'CALL', 'NORMAL', 'OPEN',
              now() + ((i % 30) - 10) * interval '1 day' + (i % 24) * interval '1 hour', false,
              l.assigned_user_id, l.id, 0
         from (select id, assigned_user_id, row_number() over () as i from leads
                where organization_id = $1 limit $2) l`,
      [org, TASKS],
    );
    orgs.push({ organizationId: org, agentId: agents[0]! });
  }
  await db.query('analyze leads; analyze tasks');
  await db.end();
  return orgs;
}

/**
 * `myDay` for one agent of a 200,000-lead, 50,000-task organization, one request at a time over
 * HTTP (the latency a rep waits for), beside the simplest list of the same agent's leads
 * (`leads(first: 25, filter: {assignedUserId})`) measured by the same client against the same
 * process; alternating rounds, medians of per-round p50/p95. Target: myDay p95 ≤ 30 ms.
 */
export async function benchMyDay(config: Config): Promise<Record<string, unknown>> {
  const started = performance.now();
  const orgs = await fixture(config);
  const seeded = (performance.now() - started) / 1000;
  const { organizationId, agentId } = orgs[0]!;
  const { app, token } = await apiWithToken(config, { id: agentId, organizationId, role: Role.AGENT });
  const myDayBody = JSON.stringify({ query: QUERY, variables: { limit: 25 } });
  const baseBody = JSON.stringify({ query: BASELINE, variables: { id: agentId } });
  for (let i = 0; i < 20; i++)
    await Promise.all([timedPost(app.url, token, myDayBody), timedPost(app.url, token, baseBody)]);
  const rounds = {
    myDay: { p50: [] as number[], p95: [] as number[] },
    baseline: { p50: [] as number[], p95: [] as number[] },
  };
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, body] of (r % 2
      ? [
          ['baseline', baseBody],
          ['myDay', myDayBody],
        ]
      : [
          ['myDay', myDayBody],
          ['baseline', baseBody],
        ]) as ['myDay' | 'baseline', string][]) {
      const times: number[] = [];
      for (let i = 0; i < PER_ROUND; i++) times.push(await timedPost(app.url, token, body));
      times.sort((a, b) => a - b);
      rounds[name].p50.push(percentile(times, 50));
      rounds[name].p95.push(percentile(times, 95));
    }
  }
  const res = await fetch(app.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: myDayBody,
  });
  const { data } = (await res.json()) as { data: { myDay: { counts: Record<string, number> } } };
  await app.stop();
  const out = {
    leads: LEADS,
    tasks: TASKS,
    seedSeconds: seeded,
    counts: data.myDay.counts,
    myDayP50: median(rounds.myDay.p50),
    myDayP95: median(rounds.myDay.p95),
    baselineP50: median(rounds.baseline.p50),
    baselineP95: median(rounds.baseline.p95),
  };
  console.log(
    `\nmyDay (${LEADS.toLocaleString()} leads, ${TASKS.toLocaleString()} open tasks per organization, ` +
      `2 organizations; ` +
      `${ROUNDS} alternating rounds of ${PER_ROUND} sequential requests)\n` +
      `  myDay:                 p50 ${fmt(out.myDayP50)} ms  p95 ${fmt(out.myDayP95)} ms  (target p95 ≤ 30 ms)\n` +
      `  leads(first: 25) base: p50 ${fmt(out.baselineP50)} ms  p95 ${fmt(out.baselineP95)} ms  ` +
      `(myDay/baseline p95 ×${fmt(out.myDayP95 / out.baselineP95, 2)})\n` +
      `  the agent's counts: ${JSON.stringify(out.counts)}`,
  );
  return { myDay: out };
}
