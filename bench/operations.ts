import type { Config } from '../src/platform/config.js';
import { cpuMs, fmt, median, postgresCpuMs } from './lib.js';
import { MIX, OPERATIONS, openLoop, settled, startSystems, type Op, type Rows, type Target } from './mixed.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const REQUESTS = Number(process.env.BENCH_OP_REQUESTS ?? 1_000);
const IN_FLIGHT = 4;
/** BENCH_OP_RATE=50: each operation open loop at that rate (an idle process woken per request), not closed loop. */
const RATE = Number(process.env.BENCH_OP_RATE ?? 0);

/** `{ __typename }`: no resolver, no statement — what a request costs each system before any operation's work. */
const FIXED = 'fixed';
type Row = Op | typeof FIXED;

/**
 * CPU per request of each operation of the mixed workload alone, closed loop (IN_FLIGHT requests
 * in flight, REQUESTS per system per operation), this API beside PostGraphile v4 (and BENCH_AGAINST):
 * ROUNDS rounds, each taking every operation on every system in turn (the order of the systems
 * alternating), medians. A busy process, so it shows the work each operation costs without the
 * open loop's cost of waking an idle one, and which operations the mixed workload's ratio comes from.
 * The first row, `{ __typename }`, is each system's fixed cost per request (HTTP, authentication,
 * GraphQL pipeline, response; no resolver and no statement). With BENCH_OP_RATE the requests are
 * sent open loop at that rate instead, which adds the cost of waking an idle process per request.
 */
export async function benchOperations(config: Config): Promise<Record<string, unknown>> {
  const { rows, targets, stop } = await startSystems(config);
  // BENCH_OPS=deal,moveDeal: only those operations (the weighted figure then needs them all).
  const only = process.env.BENCH_OPS?.split(',');
  const ops: Row[] = [FIXED, ...MIX.map(([op]) => op).filter((op) => !only || only.includes(op))];
  const cpu: Record<string, Record<string, number[]>> = {};
  /** Postgres' CPU per request (every `postgres` process on the machine) while that system ran the operation. */
  const pgCpu: Record<string, Record<string, number[]>> = {};
  let i = 0;
  const warmUp = Number(process.env.BENCH_OP_WARMUP ?? (RATE ? 100 : 500));
  for (const t of targets) for (const op of ops) i = await run(t, op, rows, warmUp, i); // warm-up
  for (let round = 0; round < ROUNDS; round++)
    for (const op of ops)
      for (const t of round % 2 ? [...targets].reverse() : targets) {
        const before = cpuMs(t.pid);
        const pgBefore = postgresCpuMs();
        i = await run(t, op, rows, REQUESTS, i);
        ((cpu[op] ??= {})[t.name] ??= []).push((cpuMs(t.pid) - before) / REQUESTS);
        ((pgCpu[op] ??= {})[t.name] ??= []).push((postgresCpuMs() - pgBefore) / REQUESTS);
      }
  await stop();
  const mode = RATE ? `open loop at ${RATE} req/s` : `closed loop, ${IN_FLIGHT} in flight`;
  const names = targets.map((t) => t.name);
  const head = `Operations alone (${mode}, ${REQUESTS} requests each)`;
  const out = table(`${head}, server CPU ms per request, medians of ${ROUNDS} rounds`, cpu, ops, names);
  const db = table(`${head}, Postgres CPU ms per request (all its processes)`, pgCpu, ops, names);
  // The mix's weights applied to each operation's cost (closed loop: what the mix would cost a busy process).
  const weighted = (name: string) => MIX.reduce((s, [op, w]) => s + w * out[op]![name]!, 0) / 50;
  if (ops.length < MIX.length + 1) return { operations: out, operationsPostgres: db };
  console.log(
    `  weighted by the 20/10/10/4/3/3 mix: ${names.map((n) => `${n} ${fmt(weighted(n), 3)}`).join(', ')} ` +
      `(×${fmt(weighted('app') / weighted('postgraphile'), 2)} of PostGraphile)`,
  );
  return { operations: out, operationsPostgres: db };
}

/** Prints one figure per operation and system (medians of the rounds) and the ratio to PostGraphile's. */
function table(
  title: string,
  figures: Record<string, Record<string, number[]>>,
  ops: Row[],
  names: string[],
): Record<string, Record<string, number>> {
  console.log(`\n${title}`);
  console.log(`  operation     ${names.map((n) => n.padStart(13)).join('')}   this API ÷ PostGraphile`);
  const out: Record<string, Record<string, number>> = {};
  for (const op of ops) {
    out[op] = Object.fromEntries(names.map((n) => [n, median(figures[op]![n]!)]));
    // BENCH_VERBOSE=1: every round's figure, in the order the rounds ran.
    if (process.env.BENCH_VERBOSE)
      console.log(`    ${op} rounds: ${names.map((n) => `${n} ${roundsOf(figures[op]![n]!)}`).join('; ')}`);
    const ratio = out[op]!.app! / out[op]!.postgraphile!;
    const cells = names.map((n) => fmt(out[op]![n]!, 3).padStart(13)).join('');
    console.log(`  ${(op === FIXED ? '{ __typename }' : op).padEnd(14)}${cells}   ×${fmt(ratio, 2)}`);
  }
  return out;
}

const roundsOf = (figures: number[]) => figures.map((x) => fmt(x, 2)).join(' ');

/**
 * `count` requests of `op`, IN_FLIGHT at a time (or one every 1/RATE s, not waiting for answers);
 * any error fails the benchmark. Returns the next request index.
 */
async function run(t: Target, op: Row, rows: Rows, count: number, start: number): Promise<number> {
  let next = start;
  const end = start + count;
  const system = t.name === 'postgraphile' ? 'postgraphile' : 'app';
  const one = async (i: number) => {
    const request = op === FIXED ? null : OPERATIONS[system](op, rows, i);
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...t.headers },
      body: JSON.stringify(request ?? { query: '{ __typename }' }),
    }).finally(() => request && settled(rows, op as Op, request));
    const json = (await res.json()) as { errors?: unknown };
    if (res.status !== 200 || json.errors)
      throw new Error(`${t.name} ${op}: ${res.status} ${JSON.stringify(json.errors).slice(0, 300)}`);
  };
  if (RATE) {
    let failed: unknown;
    await openLoop(RATE, count, (k) => one(start + k).catch((err: unknown) => void (failed ??= err)));
    if (failed !== undefined) throw failed;
    return end;
  }
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < end) await one(next++);
    }),
  );
  return end;
}
