import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { Role } from '../entities/enums.js';
import type { Config } from '../src/platform/config.js';
import { startServer } from '../src/platform/server.js';
import { apiEnv, cpuMs, fmt, median, percentile, postgresCpuMs, settle, spawnService } from './lib.js';
import { fixture } from './nested-read.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const FIXED_RATE = 50;
const FIXED_SECONDS = 10;
const SLICE_SECONDS = 2;
const STEPS = [50, 100, 150, 200, 250, 300, 400, 500, 600, 800, 1000];
const STEP_SECONDS = 5;
const SEARCH_WARMUP_SECONDS = 3;
/**
 * Before anything is measured each system serves WARMUP_RATE × WARMUP_SECONDS requests of the mix
 * (4,000): a server runs for hours, and its first thousands of requests are spent compiling (V8 keeps
 * optimizing functions called once per request for minutes at 50 req/s). BENCH_MIX_WARMUP_SECONDS
 * sets the time (5 s at 50 req/s was the warm-up until the seventh session of 2026-12-07).
 */
const WARMUP_RATE = 200;
const WARMUP_SECONDS = Number(process.env.BENCH_MIX_WARMUP_SECONDS ?? 20);
const IDLE_SECONDS = 10;

/** The 20/10/10/4/3/3 mix: props list, deal, pipeline, createLead, moveDeal, logActivity. */
export const MIX: [Op, number][] = [
  ['props', 20],
  ['deal', 10],
  ['pipeline', 10],
  ['createLead', 4],
  ['moveDeal', 3],
  ['logActivity', 3],
];
export type Op = 'props' | 'deal' | 'pipeline' | 'createLead' | 'moveDeal' | 'logActivity';
const SCHEDULE: Op[] = MIX.flatMap(([op, n]) => Array<Op>(n).fill(op));

export interface Rows {
  organizationId: string;
  userId: string;
  properties: string[];
  leads: string[];
  deals: string[];
  stages: Map<string, string>;
  /** Moves made so far, by every system: each move takes the next deal, so a deal recurs every `deals.length` moves. */
  moves: number;
  /**
   * Deals with a move in flight (open loop): the next move skips them. Overloaded, a move could
   * otherwise overtake the one before it on the same deal, be refused as a move to the stage the
   * deal is already in, and leave the benchmark's idea of the deal's stage wrong for later moves of
   * any system (a refused move fails the step it falls in).
   */
  moving: Set<string>;
}

export type Request = { query: string; variables: Record<string, unknown> };

/** The same six operations in this API's schema and in PostGraphile's. */
export const OPERATIONS: Record<'app' | 'postgraphile', (op: Op, r: Rows, i: number) => Request> = {
  app: (op, r, i) => {
    switch (op) {
      case 'props':
        return {
          query:
            'query P { properties(first: 20) { totalCount edges { node { id addressLine city estimatedValue } } } }',
          variables: {},
        };
      case 'deal':
        return {
          query:
            'query D($id: ID!) { deal(id: $id) { id title stage contractPrice lead { firstName lastName } ' +
            'property { addressLine } } }',
          variables: { id: r.deals[i % r.deals.length] },
        };
      case 'pipeline':
        return { query: 'query S { pipeline { stage count totalValue } }', variables: {} };
      case 'createLead':
        return {
          query: 'mutation L($input: LeadInput!) { createLead(input: $input) { id } }',
          variables: { input: { firstName: `Mix${i}`, lastName: 'Bench', propertyId: r.properties[i % 100] } },
        };
      case 'moveDeal':
        return {
          query: 'mutation M($id: ID!, $stage: DealStage!) { moveDeal(id: $id, stage: $stage) { id stage } }',
          variables: nextMove(r),
        };
      case 'logActivity':
        return {
          query: 'mutation A($input: LogActivityInput!) { logActivity(input: $input) { id } }',
          variables: { input: { leadId: r.leads[i % r.leads.length], type: 'NOTE', body: `Called back ${i}` } },
        };
    }
  },
  postgraphile: (op, r, i) => {
    switch (op) {
      case 'props':
        return {
          query:
            'query P { allProperties(first: 20, orderBy: CREATED_AT_DESC, condition: { archivedAt: null }) ' +
            '{ totalCount nodes { id addressLine city estimatedValue } } }',
          variables: {},
        };
      case 'deal':
        return {
          query:
            'query D($id: UUID!) { dealById(id: $id) { id title stage contractPrice ' +
            'leadByOrganizationIdAndLeadId { firstName lastName } propertyByOrganizationIdAndPropertyId ' +
            '{ addressLine } } }',
          variables: { id: r.deals[i % r.deals.length] },
        };
      case 'pipeline':
        return { query: 'query S { pipeline { stage count totalValue } }', variables: {} };
      case 'createLead':
        return {
          query: 'mutation L($lead: LeadInput!) { createLead(input: { lead: $lead }) { lead { id } } }',
          variables: {
            lead: {
              id: randomUUID(),
              organizationId: r.organizationId,
              firstName: `Mix${i}`,
              lastName: 'Bench',
              propertyId: r.properties[i % 100],
            },
          },
        };
      case 'moveDeal':
        return {
          query: 'mutation M($id: UUID!, $stage: DealStage!) { moveDeal(id: $id, stage: $stage) { id stage } }',
          variables: nextMove(r),
        };
      case 'logActivity':
        return {
          query: 'mutation A($a: ActivityInput!) { createActivity(input: { activity: $a }) { activity { id } } }',
          variables: {
            a: {
              id: randomUUID(),
              organizationId: r.organizationId,
              leadId: r.leads[i % r.leads.length],
              type: 'NOTE',
              body: `Called back ${i}`,
              occurredAt: new Date().toISOString(),
            },
          },
        };
    }
  },
};

/**
 * The next deal in turn, to the stage it is not in (the deals are shared by every system). Not by
 * request index: the mix's three moves sit at fixed places in every 50 requests, so `i % deals`
 * moved the same 6 of 100 deals, whose moves then queued on the same rows, and at high rates a move
 * could overtake the one before it on its deal and be refused as a move to the stage the deal is
 * already in (this API checks; the PostGraphile mutation does not).
 */
function nextMove(r: Rows): { id: string; stage: string } {
  let id = r.deals[r.moves++ % r.deals.length]!;
  for (let tries = 1; r.moving.has(id) && tries < r.deals.length; tries++) id = r.deals[r.moves++ % r.deals.length]!;
  r.moving.add(id);
  const stage = r.stages.get(id) === 'CONTACTED' ? 'APPOINTMENT_SET' : 'CONTACTED';
  r.stages.set(id, stage);
  return { id, stage };
}

/** A request of the mix has been answered (or failed): its deal may be moved again. */
export function settled(r: Rows, op: Op, request: Request): void {
  if (op === 'moveDeal') r.moving.delete(request.variables.id as string);
}

export interface Target {
  name: 'app' | 'postgraphile' | 'before';
  url: string;
  pid: number;
  headers: Record<string, string>;
}

interface Result {
  rate: number;
  sent: number;
  p50: number;
  p95: number;
  errors: number;
  firstError: string;
  cpuPerRequest: number;
  /** CPU of every Postgres process per request while this system was driven (its backends' work, and the rest). */
  pgCpuPerRequest: number;
  /** Latencies per operation of the mix (ms). */
  byOp: Record<string, number[]>;
}

/**
 * Calls `send(i, due)` for `i` from 0 to `count - 1`, `rate` a second, each on its schedule whether
 * or not the earlier ones have answered (an open loop); resolves when every call has settled.
 * `send` must not reject.
 */
export async function openLoop(
  rate: number,
  count: number,
  send: (i: number, due: number) => Promise<void>,
): Promise<void> {
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(send(i, due));
  }
  await Promise.all(inflight);
}

/** Open loop: a request every 1/rate s whatever the answers do; latency from send to full answer. */
async function drive(t: Target, rows: Rows, rate: number, seconds: number): Promise<Result> {
  const latencies: number[] = [];
  const byOp: Record<string, number[]> = {};
  let errors = 0;
  let firstError = '';
  const cpu0 = cpuMs(t.pid);
  const pg0 = postgresCpuMs();
  const total = Math.round(rate * seconds);
  await openLoop(rate, total, (i, due) => {
    const op = SCHEDULE[i % SCHEDULE.length]!;
    const request = OPERATIONS[t.name === 'postgraphile' ? 'postgraphile' : 'app'](op, rows, i);
    const body = JSON.stringify(request);
    return fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json', ...t.headers }, body })
      .then(async (res) => {
        const json = (await res.json()) as { errors?: unknown };
        if (res.status !== 200 || json.errors) {
          errors++;
          firstError ||= `${op}: ${res.status} ${JSON.stringify(json.errors).slice(0, 300)}`;
        }
        latencies.push(performance.now() - due);
        (byOp[op] ??= []).push(performance.now() - due);
      })
      .catch((err: Error) => {
        errors++;
        firstError ||= `${op}: ${err.message}`;
      })
      .finally(() => settled(rows, op, request));
  });
  const cpu = cpuMs(t.pid) - cpu0;
  const pgCpu = postgresCpuMs() - pg0;
  latencies.sort((a, b) => a - b);
  return {
    rate,
    sent: total,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    errors,
    firstError,
    cpuPerRequest: cpu / total,
    pgCpuPerRequest: pgCpu / total,
    byOp,
  };
}

/**
 * One fixed-rate round: 10 s per system, taken in 2 s slices that alternate between the systems, so
 * the machine's drift (other tenants, CPU frequency) falls on all of them alike; each system's
 * slices are summed into one result.
 */
async function interleaved(targets: Target[], rows: Rows): Promise<Map<string, Result>> {
  const slices = new Map<string, Result[]>(targets.map((t) => [t.name, []]));
  for (let slice = 0; slice < FIXED_SECONDS / SLICE_SECONDS; slice++)
    for (const t of slice % 2 ? [...targets].reverse() : targets)
      slices.get(t.name)!.push(await drive(t, rows, FIXED_RATE, SLICE_SECONDS));
  return new Map([...slices].map(([name, parts]) => [name, merge(parts)]));
}

function merge(parts: Result[]): Result {
  const byOp: Record<string, number[]> = {};
  for (const p of parts) for (const [op, l] of Object.entries(p.byOp)) (byOp[op] ??= []).push(...l);
  const latencies = Object.values(byOp)
    .flat()
    .sort((a, b) => a - b);
  const sent = parts.reduce((s, p) => s + p.sent, 0);
  return {
    rate: parts[0]!.rate,
    sent,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    errors: parts.reduce((s, p) => s + p.errors, 0),
    firstError: parts.find((p) => p.firstError)?.firstError ?? '',
    cpuPerRequest: parts.reduce((s, p) => s + p.cpuPerRequest * p.sent, 0) / sent,
    pgCpuPerRequest: parts.reduce((s, p) => s + p.pgCpuPerRequest * p.sent, 0) / sent,
    byOp,
  };
}

/**
 * The highest step rate whose p95 stays under 100 ms with no errors. The system is first driven for
 * SEARCH_WARMUP_SECONDS at the fixed rate, unmeasured: it has been idle while the systems before it
 * searched (up to 40 s, long enough for its pool to close idle connections), and without this the
 * search measured whichever system went later from a cold start, not its highest rate.
 */
async function stepSearch(t: Target, rows: Rows): Promise<number> {
  await drive(t, rows, FIXED_RATE, SEARCH_WARMUP_SECONDS);
  let best = 0;
  for (const rate of STEPS) {
    const r = await drive(t, rows, rate, STEP_SECONDS);
    // BENCH_VERBOSE=1: every step, with Postgres' CPU and each operation's p95 (what gives way first).
    if (process.env.BENCH_VERBOSE) logStep(t, r);
    if (r.errors > 0) console.log(`  ${t.name} @${rate}/s: ${r.errors} errors, first: ${r.firstError}`);
    if (r.p95 >= 100 || r.errors > 0) break;
    best = rate;
  }
  return best;
}

function logStep(t: Target, r: Result): void {
  const ops = Object.entries(r.byOp).map(([op, l]) => {
    l.sort((x, y) => x - y);
    return `${op} ${fmt(percentile(l, 95))}`;
  });
  console.log(
    `  ${t.name} @${r.rate}/s: p50 ${fmt(r.p50)} p95 ${fmt(r.p95)} ms, CPU ${fmt(r.cpuPerRequest, 2)} ms/req, ` +
      `Postgres ${fmt(r.pgCpuPerRequest, 2)} ms/req; p95 by op: ${ops.join(', ')}`,
  );
}

async function loadRows(config: Config, organizationId: string, userId: string): Promise<Rows> {
  const client = new pg.Client({ connectionString: config.databaseOwnerUrl });
  await client.connect();
  const q = async (sql: string) => (await client.query(sql, [organizationId])).rows as { id: string; s?: string }[];
  const rows: Rows = {
    organizationId,
    userId,
    properties: (await q('select id from properties where organization_id = $1 order by id')).map((r) => r.id),
    leads: (await q('select id from leads where organization_id = $1 order by id')).map((r) => r.id),
    deals: [],
    stages: new Map(),
    moves: 0,
    moving: new Set(),
  };
  for (const d of await q('select id, stage as s from deals where organization_id = $1 order by id')) {
    rows.deals.push(d.id);
    rows.stages.set(d.id, d.s!);
  }
  await client.end();
  return rows;
}

/**
 * The mixed workload's systems, started on the benchmark's fixture: this API (no workers, rate
 * limits out of the way of one user's load), PostGraphile v4, and with BENCH_AGAINST another build
 * of this API; the rows the operations use.
 */
export async function startSystems(config: Config): Promise<{ rows: Rows; targets: Target[]; stop(): Promise<void> }> {
  const server = await startServer(config);
  const { organizationId, userId } = await fixture(server.deps);
  const { token } = await server.deps.tokens.signAccess({ id: userId, organizationId, role: Role.OWNER });
  await server.close();
  await settle(config);
  const rows = await loadRows(config, organizationId, userId);
  const env = apiEnv(config, {
    RATE_LIMIT_QUERIES_PER_MINUTE: '1000000',
    RATE_LIMIT_MUTATIONS_PER_MINUTE: '1000000',
  });
  const app = await spawnService(`${ROOT}dist/src/main.js`, ['--no-worker'], env, 'api listening');
  const peer = await spawnService(
    `${ROOT}dist/bench/postgraphile-server.js`,
    [],
    { DATABASE_URL: config.databaseUrl },
    'postgraphile listening',
  );
  const targets: Target[] = [
    {
      name: 'postgraphile',
      url: peer.url,
      pid: peer.pid,
      headers: { 'x-org-id': organizationId, 'x-user-id': userId },
    },
    { name: 'app', url: app.url, pid: app.pid, headers: { authorization: `Bearer ${token}` } },
  ];
  // BENCH_AGAINST=<another checkout>/dist/src/main.js: that build as well, in the same rounds (A/B of a change).
  const against = process.env.BENCH_AGAINST
    ? await spawnService(process.env.BENCH_AGAINST, ['--no-worker'], env, 'api listening')
    : null;
  if (against)
    targets.push({ name: 'before', url: against.url, pid: against.pid, headers: { authorization: `Bearer ${token}` } });
  return {
    rows,
    targets,
    stop: async () => void (await Promise.all([app.stop(), peer.stop(), against?.stop()])),
  };
}

/**
 * The mixed workload (80% reads, 20% writes), authenticated, open loop: at a fixed FIXED_RATE/s
 * (p50, p95, server CPU per request, and Postgres' CPU per request while that system was driven)
 * and a step search for the highest rate with p95 < 100 ms, this API beside PostGraphile v4 on the
 * same tables through the app role; ROUNDS alternating rounds, medians. Within a round the
 * fixed-rate part alternates the systems every SLICE_SECONDS.
 */
export async function benchMixed(config: Config): Promise<Record<string, unknown>> {
  const { rows, targets, stop } = await startSystems(config);
  for (const t of targets) {
    const warm = await drive(t, rows, WARMUP_RATE, WARMUP_SECONDS);
    if (warm.errors) throw new Error(`${t.name}: ${warm.errors} errors in the warm-up, first: ${warm.firstError}`);
  }
  const idle = await idleCpu(targets);
  const fixed: Record<string, Result[]> = Object.fromEntries(targets.map((t) => [t.name, []]));
  const best: Record<string, number[]> = Object.fromEntries(targets.map((t) => [t.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, result] of await interleaved(targets, rows)) fixed[name]!.push(result);
    // Each round starts its searches with the next system: the moves pile up history on the same deals
    // (the analytics triggers cost more per move as a deal's history grows), so a fixed order would
    // give the first system the lightest database in every round.
    const order = targets.map((_, k) => targets[(k + round) % targets.length]!);
    for (const t of order) best[t.name]!.push(await stepSearch(t, rows));
  }
  await stop();
  return report(fixed, best, idle);
}

/**
 * CPU each system spends with no traffic at all (ms per second, over IDLE_SECONDS after the
 * warm-up, every system idle at once): its timers and background work, which an open loop at
 * FIXED_RATE pays between requests too.
 */
async function idleCpu(targets: Target[]): Promise<Record<string, number>> {
  const before = targets.map((t) => cpuMs(t.pid));
  await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
  return Object.fromEntries(targets.map((t, i) => [t.name, (cpuMs(t.pid) - before[i]!) / IDLE_SECONDS]));
}

function report(
  fixed: Record<string, Result[]>,
  best: Record<string, number[]>,
  idle: Record<string, number>,
): Record<string, unknown> {
  const m = (name: string, f: (r: Result) => number) => median(fixed[name]!.map(f));
  console.log(
    `\nMixed workload (props 20, deal 10, pipeline 10, createLead 4, moveDeal 3, logActivity 3; open loop), ` +
      `medians of ${ROUNDS} alternating rounds ` +
      `(at ${FIXED_RATE}/s: ${FIXED_SECONDS} s each, in ${SLICE_SECONDS} s slices interleaved)`,
  );
  console.log(
    `  system        @${FIXED_RATE}/s: p50 ms  p95 ms  CPU ms/req  Postgres  errors   max rate with p95 < 100 ms` +
      `    idle CPU ms/s`,
  );
  const out: Record<string, unknown> = {};
  const names = Object.keys(fixed);
  const label = (name: string) =>
    ({ app: 'Real Estate OS', postgraphile: 'PostGraphile v4', before: 'BENCH_AGAINST' })[name] ?? name;
  for (const name of names) {
    const row = {
      p50: m(name, (r) => r.p50),
      p95: m(name, (r) => r.p95),
      cpuPerRequest: m(name, (r) => r.cpuPerRequest),
      pgCpuPerRequest: m(name, (r) => r.pgCpuPerRequest),
      errors: fixed[name]!.reduce((s, r) => s + r.errors, 0),
      maxRate: median(best[name]!),
      maxRateRounds: best[name]!,
      idleCpuMsPerSecond: idle[name]!,
    };
    out[name] = row;
    console.log(
      `  ${label(name).padEnd(16)} ${fmt(row.p50).padStart(13)}  ` +
        `${fmt(row.p95).padStart(6)}  ${fmt(row.cpuPerRequest, 2).padStart(10)}  ` +
        `${fmt(row.pgCpuPerRequest, 2).padStart(8)}  ${String(row.errors).padStart(6)}   ` +
        `${String(row.maxRate).padStart(4)} req/s (rounds ${row.maxRateRounds.join('/')})`.padEnd(30) +
        fmt(row.idleCpuMsPerSecond).padStart(8),
    );
  }
  // Where the tail comes from: each operation's p50/p95 over all fixed-rate rounds.
  for (const name of names) {
    const ops: Record<string, number[]> = {};
    for (const r of fixed[name]!) for (const [op, l] of Object.entries(r.byOp)) (ops[op] ??= []).push(...l);
    const cells = Object.entries(ops).map(([op, l]) => {
      l.sort((x, y) => x - y);
      return `${op} ${fmt(percentile(l, 50))}/${fmt(percentile(l, 95))}`;
    });
    console.log(`  ${label(name).padEnd(16)} p50/p95 ms: ${cells.join(', ')}`);
  }
  console.log(verdict(out));
  return { mixed: out };
}

type Row = { maxRate: number; cpuPerRequest: number; pgCpuPerRequest: number };

/**
 * The targets' line: the highest rate, and this API's server CPU per request (its own process, as
 * the target reads), against PostGraphile's; then, not a target, the API's and Postgres' CPU
 * together, which is what one machine pays for the workload.
 */
function verdict(out: Record<string, unknown>): string {
  const a = out.app as Row;
  const p = out.postgraphile as Row;
  const stack = (r: Row) => r.cpuPerRequest + r.pgCpuPerRequest;
  return (
    `  max rate ×${fmt(a.maxRate / p.maxRate, 2)} of PostGraphile ` +
    // A search where neither held p95 < 100 ms even at the lowest step shows nothing either way.
    `(target ≥ 1.0 ${p.maxRate === 0 ? 'NOT SHOWN: no rate held' : a.maxRate >= p.maxRate ? 'PASS' : 'MISS'}); ` +
    `CPU/request ×${fmt(a.cpuPerRequest / p.cpuPerRequest, 2)} (target ≤ 1.2 ` +
    `${a.cpuPerRequest <= 1.2 * p.cpuPerRequest ? 'PASS' : 'MISS'}); ` +
    `with Postgres' CPU (not a target) ${fmt(stack(a), 2)} against ${fmt(stack(p), 2)} ms, ` +
    `×${fmt(stack(a) / stack(p), 2)}`
  );
}
