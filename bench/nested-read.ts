import { print } from 'graphql';
import { PropertiesNestedDocument } from '../client/index.js';
import { Role } from '../entities/enums.js';
import { Organization, User } from '../entities/index.js';
import type { Config } from '../src/platform/config.js';
import { createServices } from '../src/domains/index.js';
import type { AppDeps } from '../src/platform/deps.js';
import { startServer } from '../src/platform/server.js';
import { tenantSwitchCount } from '../src/platform/tenancy/tenant-context.js';
import { forkForTenant, runAsTenant } from '../src/platform/tenancy/tenant-em.js';
import { fmt, load, spawnService, verify, type LoadResult } from './lib.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const QUERY = print(PropertiesNestedDocument);
const TENANTS = 4;

/** 100 properties, each with 2 leads (3 activities each) and 1 deal, made through the services. */
export async function fixture(deps: AppDeps): Promise<{ organizationId: string; userId: string }> {
  const org = new Organization();
  org.name = 'Bench Org';
  return runAsTenant(org.id, () => fill(deps, org));
}

async function fill(deps: AppDeps, org: Organization): Promise<{ organizationId: string; userId: string }> {
  const em = forkForTenant(deps.orm, org.id);
  em.persist(org);
  const user = em.create(User, {
    organizationId: org.id,
    email: `bench-${org.id}@example.com`,
    name: 'Bench',
    role: Role.OWNER,
    passwordHash: 'x',
  });
  await em.flush();
  const actor = { id: user.id, organizationId: org.id, role: Role.OWNER };
  const svc = () => createServices({ em: forkForTenant(deps.orm, org.id), actor, deps });
  for (let i = 0; i < 100; i++) {
    const p = await svc().properties.create({
      addressLine: `${100 + i} Benchmark Blvd`,
      city: 'Austin',
      state: 'TX',
      zip: '78753',
      estimatedValue: 200_000 + i * 1000,
    });
    for (let j = 0; j < 2; j++) {
      const lead = await svc().leads.create({ firstName: `Seller${i}-${j}`, lastName: 'Bench', propertyId: p.id });
      for (let k = 0; k < 3; k++)
        await svc().activities.log({ leadId: lead.id, type: 'NOTE' as never, body: `Note ${k} about the house` });
      if (j === 0) await svc().deals.create({ leadId: lead.id, propertyId: p.id, contractPrice: 150_000 + i });
    }
  }
  return { organizationId: org.id, userId: user.id };
}

/**
 * The nested read (50 properties with leads, deals and activities): this server next to the
 * plain graphql-js + pg baseline, each in its own process, plus SQL statements per request.
 */
const ROUNDS = 3;

export async function benchNestedRead(
  config: Config,
  opts: { seconds: number; connections: number },
): Promise<Record<string, unknown>> {
  // In-process server: build the fixture and count statements per request.
  const statements: string[] = [];
  const server = await startServer(config, { orm: { onQuery: (sql: string) => (statements.push(sql), sql) } });
  // Several organizations, so pooled connections really switch tenants under load.
  const tenants = [];
  for (let i = 0; i < TENANTS; i++) {
    const { organizationId, userId } = await fixture(server.deps);
    const { token } = await server.deps.tokens.signAccess({ id: userId, organizationId, role: Role.OWNER });
    tenants.push({ organizationId, token });
  }
  const token = tenants[0]!.token;
  const counts: Record<number, { data: number; roundTrips: number; tenantSwitches: number }> = {};
  for (const first of [10, 100]) {
    statements.length = 0;
    const switchesBefore = tenantSwitchCount();
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: QUERY, variables: { first } }),
    });
    const json = (await res.json()) as { data?: { properties: { edges: unknown[] } }; errors?: unknown };
    if (!json.data || json.data.properties.edges.length !== first)
      throw new Error(`nested read failed: ${JSON.stringify(json.errors)}`);
    counts[first] = {
      data: statements.filter((s) => /^\s*select/i.test(s) && !/set_config/.test(s)).length,
      roundTrips: statements.length,
      tenantSwitches: tenantSwitchCount() - switchesBefore,
    };
  }
  await server.close();

  const body = JSON.stringify({ query: QUERY, variables: { first: 50 } });
  const env = {
    NODE_ENV: 'production',
    PORT: '0',
    JWT_SECRET: config.jwtSecret,
    DATABASE_URL: config.databaseUrl,
    DATABASE_OWNER_URL: config.databaseOwnerUrl,
    REDIS_URL: config.redisUrl,
    REDIS_PREFIX: config.redisPrefix,
    LOG_LEVEL: 'info',
    RUN_WORKERS: 'false',
  };
  // Both servers run side by side (idle when not loaded) and are loaded alternately, ROUNDS times;
  // the median of each is reported, so drift on the machine hits both alike.
  const baseline = await spawnService(
    `${ROOT}dist/bench/baseline-server.js`,
    [],
    { DATABASE_URL: config.databaseOwnerUrl },
    'baseline listening',
  );
  const app = await spawnService(`${ROOT}dist/src/main.js`, ['--no-worker'], env, 'api listening');
  const targets = {
    baseline: { url: baseline.url, headers: tenants.map((t) => ({ 'x-org-id': t.organizationId })) },
    server: { url: app.url, headers: tenants.map((t) => ({ authorization: `Bearer ${t.token}` })) },
  };
  // Both must give the same answer, or the comparison means nothing.
  const expected = JSON.stringify(await verify(targets.baseline.url, body, targets.baseline.headers[0]));
  if (JSON.stringify(await verify(targets.server.url, body, targets.server.headers[0])) !== expected)
    throw new Error('server and baseline answers differ');
  const runs: Record<'baseline' | 'server', LoadResult[]> = { baseline: [], server: [] };
  for (const name of ['baseline', 'server'] as const)
    await load(targets[name].url, body, targets[name].headers, 5, opts.connections); // warm-up (JIT and V8 settle)
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of ['baseline', 'server'] as const)
      runs[name].push(await load(targets[name].url, body, targets[name].headers, opts.seconds, opts.connections));
  }
  await Promise.all([baseline.stop(), app.stop()]);
  const median = (xs: LoadResult[]) => [...xs].sort((a, b) => a.rps - b.rps)[Math.floor(xs.length / 2)]!;
  const results: Record<string, LoadResult> = { baseline: median(runs.baseline), server: median(runs.server) };
  const ratios = runs.server.map((r, i) => r.rps / runs.baseline[i]!.rps);

  const ratio = results.server!.rps / results.baseline!.rps;
  console.log(
    `\nNested read: 50 properties x (2 leads x 3 activities + 1 deal), ${TENANTS} organizations round-robin, ` +
      `${opts.connections} connections, median of ${ROUNDS} alternating ${opts.seconds}s runs each`,
  );
  console.log('  server                       req/s     p50 ms   p95 ms   p99 ms   errors');
  for (const [name, r] of Object.entries(results)) {
    const label = name === 'server' ? 'Real Estate OS (full stack)' : 'baseline (graphql-js + pg)';
    console.log(
      `  ${label.padEnd(28)} ${fmt(r.rps).padStart(7)}  ${fmt(r.p50).padStart(7)}  ${fmt(r.p95).padStart(7)}  ` +
        `${fmt(r.p99).padStart(7)}  ${String(r.errors).padStart(6)}`,
    );
  }
  console.log(
    `  throughput vs baseline: ${fmt(ratio * 100)}% (target >= 50%) ${ratio >= 0.5 ? 'PASS' : 'MISS'}   ` +
      `(rounds: ${ratios.map((r) => `${fmt(r * 100)}%`).join(', ')})`,
  );
  console.log('\nSQL statements per request (nested read)');
  for (const n of [10, 100]) {
    const c = counts[n]!;
    console.log(
      `  first: ${String(n).padEnd(4)} ${c.data} data statements, ${c.roundTrips} ORM statements, ` +
        `${c.tenantSwitches} tenant switch(es) (at most 1 per reserved connection)`,
    );
  }
  const same = counts[10]!.data === counts[100]!.data && counts[10]!.roundTrips === counts[100]!.roundTrips;
  console.log(`  equal: ${same ? 'yes' : 'NO'}`);
  return { nestedRead: { ...results, ratio, statements: counts } };
}
