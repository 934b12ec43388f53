import { WebSocket } from 'ws';
import { DealStage, Role } from '../entities/enums.js';
import { Organization, User } from '../entities/index.js';
import type { Config } from '../src/platform/config.js';
import { createServices } from '../src/domains/index.js';
import { startServer } from '../src/platform/server.js';
import { forkForTenant, runAsTenant } from '../src/platform/tenancy/tenant-em.js';
import { apiEnv, cpuMs, fmt, median, percentile, postgresCpuMs, spawnService } from './lib.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const MOVES = 50;
const RATE = 10; // moves per second
const ROUNDS = 3;
const SUBSCRIPTION =
  'subscription Live { pipelineEvents { type fromStage toStage at deal { id stage title } actor { id name } } }';
const MOVE = 'mutation Move($id: ID!, $stage: DealStage!) { moveDeal(id: $id, stage: $stage) { id stage } }';

type Message = { type: string; payload?: { data?: { pipelineEvents: { deal: { id: string } } } } };

interface Fixture {
  organizationId: string;
  userId: string;
  token: string;
  deals: string[];
}

/** One organization, one user and MOVES deals (each move in a run is a different deal). */
async function fixture(config: Config): Promise<Fixture> {
  const server = await startServer(config);
  const org = new Organization();
  org.name = 'Fan-out Bench';
  const result = await runAsTenant(org.id, async () => {
    const em = forkForTenant(server.deps.orm, org.id);
    em.persist(org);
    const user = em.create(User, {
      email: `fanout-${org.id}@example.com`,
      name: 'Fan',
      role: Role.OWNER,
      passwordHash: 'x',
    });
    await em.flush();
    const actor = { id: user.id, organizationId: org.id, role: Role.OWNER };
    const svc = () => createServices({ em: forkForTenant(server.deps.orm, org.id), actor, deps: server.deps });
    const deals: string[] = [];
    for (let i = 0; i < MOVES; i++) {
      const p = await svc().properties.create({
        addressLine: `${i} Fanout Way`,
        city: 'Austin',
        state: 'TX',
        zip: '78701',
      });
      const lead = await svc().leads.create({ firstName: `F${i}`, lastName: 'Out', propertyId: p.id });
      deals.push((await svc().deals.create({ leadId: lead.id, propertyId: p.id })).id);
    }
    return { userId: user.id, deals };
  });
  const { token } = await server.deps.tokens.signAccess({
    id: result.userId,
    organizationId: org.id,
    role: Role.OWNER,
  });
  await server.close();
  return { organizationId: org.id, token, ...result };
}

interface System {
  name: string;
  processes: { url: string; pid: number }[];
  init: Record<string, unknown>;
  headers: Record<string, string>;
  /** db_statements_total of the second process, which only serves sockets (the app only). */
  statements?: () => Promise<number>;
}

interface Run {
  deliveries: number;
  lost: number;
  duplicated: number;
  p50: number;
  p95: number;
  max: number;
  serverCpuPerDelivery: number;
  postgresCpuPer1000: number;
  statementsPerEvent: number;
  moveP50: number;
}

/** Opens `count` sockets round-robin over the system's processes, each with the live subscription. */
async function openSockets(system: System, count: number, onEvent: (socket: WebSocket, dealId: string) => void) {
  const open = (url: string) =>
    new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
      socket.on('error', reject);
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: system.init })));
      socket.on('message', (raw) => {
        const message = JSON.parse(String(raw)) as Message;
        if (message.type === 'connection_ack') {
          socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SUBSCRIPTION } }));
          resolve(socket);
        } else if (message.type === 'next') onEvent(socket, message.payload!.data!.pipelineEvents.deal.id);
      });
    });
  const sockets: WebSocket[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = Array.from({ length: Math.min(50, count - i) }, (_, j) => system.processes[(i + j) % 2]!.url);
    sockets.push(...(await Promise.all(batch.map(open))));
  }
  await new Promise((r) => setTimeout(r, 1000)); // subscriptions registered, Redis SUBSCRIBE done
  return sockets;
}

async function move(system: System, id: string, stage: DealStage): Promise<number> {
  const started = performance.now();
  const res = await fetch(system.processes[0]!.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...system.headers },
    body: JSON.stringify({ query: MOVE, variables: { id, stage } }),
  });
  const json = (await res.json()) as { errors?: unknown };
  if (json.errors) throw new Error(`${system.name} moveDeal failed: ${JSON.stringify(json.errors)}`);
  return performance.now() - started;
}

/** MOVES moves at RATE/s, open loop, to `subscribers` sockets; latency is mutation sent → event parsed. */
async function run(system: System, deals: string[], subscribers: number, stage: DealStage): Promise<Run> {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const seen = new Map<WebSocket, Set<string>>();
  let duplicated = 0;
  const sockets = await openSockets(system, subscribers, (socket, id) => {
    latencies.push(performance.now() - sentAt.get(id)!);
    const got = seen.get(socket) ?? new Set<string>();
    seen.set(socket, got);
    if (got.has(id)) duplicated++;
    got.add(id);
  });
  const cpu0 = system.processes.reduce((sum, p) => sum + cpuMs(p.pid), 0);
  const pg0 = postgresCpuMs();
  const statements0 = (await system.statements?.()) ?? 0;
  const moves: Promise<number>[] = [];
  for (let i = 0; i < MOVES; i++) {
    const at = performance.now();
    sentAt.set(deals[i]!, at);
    moves.push(move(system, deals[i]!, stage));
    await new Promise((r) => setTimeout(r, Math.max(0, 1000 / RATE - (performance.now() - at))));
  }
  const moveLatencies = await Promise.all(moves);
  const expected = subscribers * MOVES;
  const deadline = Date.now() + 120_000;
  while (latencies.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 300)); // late duplicates
  const serverCpu = system.processes.reduce((sum, p) => sum + cpuMs(p.pid), 0) - cpu0;
  const postgresCpu = postgresCpuMs() - pg0;
  const statements = ((await system.statements?.()) ?? 0) - statements0;
  for (const socket of sockets) socket.terminate();
  latencies.sort((a, b) => a - b);
  const unique = [...seen.values()].reduce((sum, s) => sum + s.size, 0);
  const deliveries = Math.max(1, latencies.length);
  return {
    deliveries: latencies.length,
    lost: expected - unique,
    duplicated,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    max: latencies.at(-1) ?? NaN,
    serverCpuPerDelivery: (serverCpu * 1000) / deliveries,
    postgresCpuPer1000: (postgresCpu * 1000) / deliveries,
    statementsPerEvent: statements / MOVES,
    moveP50: median(moveLatencies),
  };
}

const SIZES = [100, 1000];
type Key = 'none' | `${number}`;

/**
 * Fan-out: this API (two processes, `main.js --no-worker`) beside a bare graphql-ws + Redis pub/sub
 * server (two processes), both over the same database; 0, 100 and 1,000 sockets split over the two
 * processes; MOVES moveDeal at RATE/s sent to the first process; ROUNDS alternating rounds, medians.
 */
export async function benchFanout(config: Config): Promise<Record<string, unknown>> {
  const f = await fixture(config);
  const appEnv = apiEnv(config, {
    WS_MAX_CONNECTIONS_PER_USER: '10000',
    RATE_LIMIT_MUTATIONS_PER_MINUTE: '100000',
  });
  const bareEnv = {
    DATABASE_URL: config.databaseOwnerUrl,
    REDIS_URL: config.redisUrl,
    REDIS_PREFIX: config.redisPrefix,
  };
  const apps = [0, 1].map(() => spawnService(`${ROOT}dist/src/main.js`, ['--no-worker'], appEnv, 'api listening'));
  const bares = [0, 1].map(() =>
    spawnService(`${ROOT}dist/bench/fanout-baseline-server.js`, [], bareEnv, 'fanout baseline listening'),
  );
  const [app, bare] = [await Promise.all(apps), await Promise.all(bares)];
  const systems: System[] = [
    {
      name: 'bare',
      processes: bare,
      init: { org: f.organizationId },
      headers: { 'x-org-id': f.organizationId, 'x-user-id': f.userId },
    },
    {
      name: 'app',
      processes: app,
      init: { authorization: `Bearer ${f.token}` },
      headers: { authorization: `Bearer ${f.token}` },
      statements: async () => {
        const text = await (await fetch(app[1]!.url.replace('/graphql', '/metrics'))).text();
        return Number(/^db_statements_total (\d+)/m.exec(text)![1]);
      },
    },
  ];
  const runs: Record<string, Record<Key, Run[]>> = { bare: { none: [] }, app: { none: [] } };
  let flip = 0;
  const stage = () => (flip++ % 2 === 0 ? DealStage.CONTACTED : DealStage.APPOINTMENT_SET);
  // Warm-up: both systems, a short run each (JIT, pools, Redis subscriptions).
  for (const system of systems) await run(system, f.deals, 10, stage());
  for (let round = 0; round < ROUNDS; round++) {
    for (const size of [0, ...SIZES]) {
      for (const system of systems) {
        const key: Key = size === 0 ? 'none' : `${size}`;
        // Both systems move the same rows, so every run moves them to the other stage.
        (runs[system.name]![key] ??= []).push(await run(system, f.deals, size, stage()));
      }
    }
  }
  await Promise.all([...app, ...bare].map((p) => p.stop()));
  return report(runs);
}

function report(runs: Record<string, Record<Key, Run[]>>): Record<string, unknown> {
  const pick = (system: string, key: Key) => {
    const rs = runs[system]![key]!;
    const m = (f: (r: Run) => number) => median(rs.map(f));
    return {
      p50: m((r) => r.p50),
      p95: m((r) => r.p95),
      max: m((r) => r.max),
      lost: rs.reduce((s, r) => s + r.lost, 0),
      duplicated: rs.reduce((s, r) => s + r.duplicated, 0),
      serverCpuPerDelivery: m((r) => r.serverCpuPerDelivery),
      postgresCpuPer1000: m((r) => r.postgresCpuPer1000),
      statementsPerEvent: m((r) => r.statementsPerEvent),
      moveP50: m((r) => r.moveP50),
      p95Rounds: rs.map((r) => r.p95),
    };
  };
  console.log(
    `\nFan-out: ${MOVES} moveDeal at ${RATE}/s, sockets split over 2 processes, mutation → client parsed; ` +
      `medians of ${ROUNDS} alternating rounds (lost/duplicated: totals)`,
  );
  console.log(
    '  subscribers  system  p50 ms   p95 ms   max ms   lost  dup  CPU µs/delivery  PG CPU ms/1000  SQL/event' +
      '  p95 ×bare',
  );
  const out: Record<string, unknown> = {};
  for (const size of SIZES) {
    const key: Key = `${size}`;
    const [bare, app] = [pick('bare', key), pick('app', key)];
    out[key] = {
      bare,
      app,
      p95Ratio: app.p95 / bare.p95,
      cpuRatio: app.serverCpuPerDelivery / bare.serverCpuPerDelivery,
    };
    for (const [name, r] of [
      ['bare', bare],
      ['app', app],
    ] as const) {
      console.log(
        `  ${String(size).padStart(11)}  ${name.padEnd(6)} ${fmt(r.p50).padStart(6)}  ${fmt(r.p95).padStart(7)}  ` +
          `${fmt(r.max).padStart(7)}  ${String(r.lost).padStart(4)}  ${String(r.duplicated).padStart(3)}  ` +
          `${fmt(r.serverCpuPerDelivery).padStart(15)}  ${fmt(r.postgresCpuPer1000, 2).padStart(14)}  ` +
          `${name === 'app' ? fmt(r.statementsPerEvent, 2).padStart(9) : '        -'}  ` +
          `${name === 'app' ? fmt(r.p95 / bare.p95, 2).padStart(8) : '       -'}`,
      );
    }
    console.log(
      `               p95 rounds app ${app.p95Rounds.map((x) => fmt(x)).join('/')} ms, ` +
        `bare ${bare.p95Rounds.map((x) => fmt(x)).join('/')} ms; ` +
        `targets: p95 ≤ 2× ${app.p95 <= 2 * bare.p95 ? 'PASS' : 'MISS'}, CPU ≤ 2× ` +
        `${app.serverCpuPerDelivery <= 2 * bare.serverCpuPerDelivery ? 'PASS' : 'MISS'}, 0 lost/dup ` +
        `${app.lost === 0 && app.duplicated === 0 ? 'PASS' : 'MISS'}`,
    );
  }
  const quiet = pick('app', 'none');
  const loud = pick('app', '1000');
  const moveRatio = loud.moveP50 / quiet.moveP50;
  console.log(
    `  moveDeal p50: ${fmt(quiet.moveP50)} ms with no listeners, ${fmt(loud.moveP50)} ms with 1,000 ` +
      `(×${fmt(moveRatio, 2)}, target ≤ 1.2× ${moveRatio <= 1.2 ? 'PASS' : 'MISS'}); bare: ` +
      `${fmt(pick('bare', 'none').moveP50)} / ${fmt(pick('bare', '1000').moveP50)} ms`,
  );
  out.moveDeal = { quiet: quiet.moveP50, loud: loud.moveP50, ratio: moveRatio };
  return { fanout: out };
}
