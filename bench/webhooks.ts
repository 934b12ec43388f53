import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EntityManager } from '@mikro-orm/postgresql';
import { LeadSource } from '../entities/enums.js';
import type { Services } from '../src/domains/index.js';
import type { Config } from '../src/platform/config.js';
import { createDeps } from '../src/platform/deps.js';
import { createLogger } from '../src/platform/observability/logger.js';
import { apiEnv, fmt, percentile, spawnService } from './lib.js';
import { inNewOrganization } from './sequences.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const ENDPOINTS = 5;
/** BENCH_WEBHOOK_EVENTS shortens a run while iterating. */
const EVENTS = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 10_000);
/** The steady phase: this many events a second, each to every endpoint. */
const STEADY_RATE = 200;
const INTAKE_SUBMISSIONS = 3_000;
const CONCURRENCY = 16;

interface Receiver {
  url: string;
  /** Per request: arrival time minus the event's own timestamp (ms). */
  lags: number[];
  count: number;
  close(): Promise<void>;
}

/**
 * Outbound webhooks and lead intake, against this API with its workers in one process
 * (`dist/src/main.js`, as `npm start` runs it), five receivers on loopback in this process.
 * Fan-out: 10,000 lead.created events inserted at once (deliveries/s until the last of 50,000
 * arrives), then 10,000 more at 200 events/s = 1,000 deliveries/s (event → delivery latency, from
 * the payload's timestamp to the receiver). Baseline: a bare POST loop (Node's fetch, i.e. undici,
 * same concurrency as the webhook workers) of 50,000 bodies to the same receivers. Intake: 3,000
 * distinct submissions to POST /intake/<key> from 16 connections; baseline: as many createLead
 * mutations over /graphql.
 */
export async function benchWebhooks(config: Config): Promise<Record<string, unknown>> {
  const benchConfig = { ...config, webhooks: { ...config.webhooks, allowPrivateTargets: true } };
  const deps = await createDeps(benchConfig, createLogger('warn'));
  const receivers = await Promise.all(Array.from({ length: ENDPOINTS }, startReceiver));
  const app = await spawnService(
    `${ROOT}dist/src/main.js`,
    [],
    apiEnv(config, {
      RUN_WORKERS: 'true',
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      INTAKE_RATE_PER_IP_PER_MINUTE: '100000000',
      INTAKE_RATE_PER_FORM_PER_MINUTE: '100000000',
      RATE_LIMIT_MUTATIONS_PER_MINUTE: '100000000',
    }),
    'api listening',
  );
  try {
    const result = await inNewOrganization(deps, 'Webhook bench', async (s, em, orgId, owner) => {
      for (const r of receivers) await s.webhooks.create({ url: r.url, events: ['lead.created'] });
      const burst = await burstPhase(em, orgId, receivers);
      const steady = await steadyPhase(em, orgId, receivers);
      const baseline = await barePostLoop(receivers);
      // Intake alone: its leads would otherwise each be delivered to the five endpoints meanwhile.
      for (const e of await s.webhooks.list()) await s.webhooks.delete(e.id);
      const intake = await intakePhase(s, app.url, (await deps.tokens.signAccess(owner)).token);
      return { burst, steady, baseline, intake };
    });
    print(result);
    return {
      webhookBurst: { deliveriesPerSecond: result.burst.perSecond, baselinePerSecond: result.baseline },
      webhookSteady: { ...result.steady, deliveriesPerSecond: STEADY_RATE * ENDPOINTS },
      intake: result.intake,
    };
  } finally {
    await app.stop();
    await Promise.all(receivers.map((r) => r.close()));
    await deps.close();
  }
}

function print(r: {
  burst: { perSecond: number; seconds: number };
  steady: { p50: number; p95: number; max: number; lost: number };
  baseline: number;
  intake: { perSecond: number; baselinePerSecond: number; errors: number };
}) {
  const n = (EVENTS * ENDPOINTS).toLocaleString('en-US');
  console.log(
    `\nWebhooks: ${EVENTS.toLocaleString('en-US')} events × ${ENDPOINTS} loopback endpoints (target >= 1,000/s)`,
  );
  console.log(
    `  signed, recorded deliveries   ${fmt(r.burst.perSecond, 0)}/s (${n} in ${fmt(r.burst.seconds, 1)} s)   ` +
      `baseline: bare fetch POST loop ${fmt(r.baseline, 0)}/s   ratio ${fmt(r.burst.perSecond / r.baseline, 2)}x`,
  );
  console.log(
    `  at ${STEADY_RATE} events/s (${STEADY_RATE * ENDPOINTS} deliveries/s), event → delivery: ` +
      `p50 ${fmt(r.steady.p50, 0)} ms, p95 ${fmt(r.steady.p95, 0)} ms, max ${fmt(r.steady.max, 0)} ms ` +
      `(target p95 <= 1,000 ms), lost ${r.steady.lost}`,
  );
  console.log(
    `\nLead intake: ${INTAKE_SUBMISSIONS.toLocaleString('en-US')} submissions, ${CONCURRENCY} connections ` +
      '(target >= 300/s)',
  );
  console.log(
    `  POST /intake/<key>            ${fmt(r.intake.perSecond, 0)}/s   baseline: createLead mutation ` +
      `${fmt(r.intake.baselinePerSecond, 0)}/s   errors ${r.intake.errors}`,
  );
}

async function insertLeads(em: EntityManager, orgId: string, from: number, count: number): Promise<void> {
  await em.execute(
    `insert into leads (id, organization_id, first_name, last_name, source)
       select gen_random_uuid(), ?, 'Hook' || g, 'Bench', 'PPC' from generate_series(?::int, ?::int) g`,
    [orgId, from, from + count - 1],
  );
}

async function waitForCount(receivers: Receiver[], total: number, timeoutMs = 300_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = receivers.reduce((n, r) => n + r.count, 0);
    if (got >= total || Date.now() > deadline) return got;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function burstPhase(em: EntityManager, orgId: string, receivers: Receiver[]) {
  const t = performance.now();
  await insertLeads(em, orgId, 1, EVENTS);
  const got = await waitForCount(receivers, EVENTS * ENDPOINTS);
  const seconds = (performance.now() - t) / 1000;
  if (got < EVENTS * ENDPOINTS) throw new Error(`only ${got} of ${EVENTS * ENDPOINTS} deliveries arrived`);
  return { perSecond: got / seconds, seconds };
}

async function steadyPhase(em: EntityManager, orgId: string, receivers: Receiver[]) {
  for (const r of receivers) r.lags.length = 0;
  const start = receivers.reduce((n, r) => n + r.count, 0);
  const tickMs = 50;
  const perTick = (STEADY_RATE * tickMs) / 1000;
  const began = performance.now();
  for (let i = 0; i < EVENTS / perTick; i++) {
    await insertLeads(em, orgId, EVENTS + 1 + i * perTick, perTick);
    const wait = began + (i + 1) * tickMs - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const got = (await waitForCount(receivers, start + EVENTS * ENDPOINTS, 60_000)) - start;
  const lags = receivers.flatMap((r) => r.lags).sort((a, b) => a - b);
  return {
    p50: percentile(lags, 50),
    p95: percentile(lags, 95),
    max: lags.at(-1) ?? NaN,
    lost: EVENTS * ENDPOINTS - got,
  };
}

/** The floor: the same number of POSTs of a webhook-sized body, 50 at a time, nothing else. */
async function barePostLoop(receivers: Receiver[]): Promise<number> {
  const body = JSON.stringify({
    type: 'lead.created',
    timestamp: new Date().toISOString(),
    data: { lead: { id: crypto.randomUUID(), firstName: 'Hook1', lastName: 'Bench', source: 'PPC' } },
  });
  const total = EVENTS * ENDPOINTS;
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (next < total) {
        const i = next++;
        const res = await fetch(receivers[i % ENDPOINTS]!.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'webhook-id': `msg_${i}` },
          body,
        });
        await res.arrayBuffer();
      }
    }),
  );
  return total / ((performance.now() - t) / 1000);
}

async function intakePhase(s: Services, apiUrl: string, token: string) {
  const form = await s.intake.create({ name: 'Bench form', source: LeadSource.SEO });
  const intakeUrl = apiUrl.replace(/\/graphql$/, `/intake/${form.formKey}`);
  const submission = (i: number) =>
    JSON.stringify({
      name: `Intake ${i} Bench`,
      phone: `+1737${String(2_000_000 + i).padStart(7, '0')}`,
      consent: 'yes',
    });
  const intake = await drive(INTAKE_SUBMISSIONS, (i) =>
    fetch(intakeUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: submission(i) }),
  );
  const mutation = (i: number) =>
    JSON.stringify({
      query: 'mutation($i: LeadInput!) { createLead(input: $i) { id } }',
      variables: {
        i: { firstName: `Lead ${i}`, lastName: 'Bench', phone: `+1737${String(5_000_000 + i).padStart(7, '0')}` },
      },
    });
  const baseline = await drive(INTAKE_SUBMISSIONS, (i) =>
    fetch(apiUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: mutation(i),
    }),
  );
  return {
    perSecond: intake.perSecond,
    baselinePerSecond: baseline.perSecond,
    errors: intake.errors + baseline.errors,
  };
}

async function drive(total: number, send: (i: number) => Promise<Response>) {
  let next = 0;
  let errors = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) {
        const res = await send(next++);
        const text = await res.text();
        if (res.status >= 300 || text.includes('"errors"')) errors++;
      }
    }),
  );
  return { perSecond: total / ((performance.now() - t) / 1000), errors };
}

async function startReceiver(): Promise<Receiver> {
  const r = { lags: [] as number[], count: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const { timestamp } = JSON.parse(Buffer.concat(chunks).toString()) as { timestamp: string };
      r.lags.push(Date.now() - Date.parse(timestamp));
      r.count++;
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    get lags() {
      return r.lags;
    },
    get count() {
      return r.count;
    },
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
