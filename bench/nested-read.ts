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
import { apiEnv, fmt, load, settle, spawnService, verify, type LoadResult } from './lib.js';

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
  await settle(config);
  const token = tenants[0]!.token;
  const counts: Record<number, { data: number; roundTrips: number; tenantSwitches: number }> = {};
  // The first request of a signed-in user also checks the session and warms the connections: the
  // size 10 is read twice and its second reading counted.
  for (const first of [10, 10, 100]) {
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

  const env = apiEnv(config, {
    // Rate limits stay on (the same check per field), with room for minutes of load from one user.
    RATE_LIMIT_QUERIES_PER_MINUTE: '100000000',
  });
  // All servers run side by side (idle when not loaded) and are loaded alternately, ROUNDS times;
  // the median of each is reported, so drift on the machine hits all alike.
  const [baseline, peer, app] = await Promise.all([
    spawnService(
      `${ROOT}dist/bench/baseline-server.js`,
      [],
      { DATABASE_URL: config.databaseOwnerUrl },
      'baseline listening',
    ),
    spawnService(
      `${ROOT}dist/bench/postgraphile-server.js`,
      [],
      { DATABASE_URL: config.databaseUrl },
      'postgraphile listening',
    ),
    spawnService(`${ROOT}dist/src/main.js`, ['--no-worker'], env, 'api listening'),
  ]);
  const targets: Record<Name, { url: string; query: string; headers: Record<string, string>[] }> = {
    baseline: { url: baseline.url, query: QUERY, headers: tenants.map((t) => ({ 'x-org-id': t.organizationId })) },
    postgraphile: {
      url: peer.url,
      query: POSTGRAPHILE_QUERY,
      headers: tenants.map((t) => ({ 'x-org-id': t.organizationId })),
    },
    server: { url: app.url, query: QUERY, headers: tenants.map((t) => ({ authorization: `Bearer ${t.token}` })) },
  };
  const bySize: Record<number, Record<Name, LoadResult>> = {};
  // What the API sent to Postgres under the load (its /metrics): statements and tenant switches per request.
  const counters = async () => {
    const text = await (await fetch(new URL('/metrics', app.url))).text();
    const read = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
    return { statements: read('db_statements_total'), switches: read('db_tenant_switches_total') };
  };
  const underLoad = { requests: 0, statements: 0, switches: 0 };
  for (const first of PAGE_SIZES) {
    const body = (name: Name) => JSON.stringify({ query: targets[name].query, variables: { first } });
    // All must return the same rows, or the comparison means nothing.
    const ids = async (name: Name) =>
      idsIn(await verify(targets[name].url, body(name), targets[name].headers[0])).join();
    const expected = await ids('baseline');
    for (const name of ['postgraphile', 'server'] as const)
      if ((await ids(name)) !== expected) throw new Error(`${name} and the baseline return different rows`);
    const runs: Record<Name, LoadResult[]> = { baseline: [], postgraphile: [], server: [] };
    for (const name of NAMES) await load(targets[name].url, body(name), targets[name].headers, 5, opts.connections);
    for (let round = 0; round < ROUNDS; round++)
      for (const name of NAMES) {
        const before = name === 'server' ? await counters() : null;
        runs[name].push(
          await load(targets[name].url, body(name), targets[name].headers, opts.seconds, opts.connections),
        );
        if (!before) continue;
        const after = await counters();
        underLoad.requests += runs[name].at(-1)!.requests;
        underLoad.statements += after.statements - before.statements;
        underLoad.switches += after.switches - before.switches;
      }
    const median = (xs: LoadResult[]) => [...xs].sort((a, b) => a.rps - b.rps)[Math.floor(xs.length / 2)]!;
    bySize[first] = {
      baseline: median(runs.baseline),
      postgraphile: median(runs.postgraphile),
      server: median(runs.server),
    };
  }
  await Promise.all([baseline.stop(), peer.stop(), app.stop()]);
  return report(bySize, counts, opts, underLoad);
}

type Name = 'baseline' | 'postgraphile' | 'server';
const NAMES: Name[] = ['baseline', 'postgraphile', 'server'];
const PAGE_SIZES = [10, 50, 100];

/** The same read in PostGraphile's schema: same rows, same order, relations by their foreign keys. */
const POSTGRAPHILE_QUERY = `query N($first: Int!) {
  allProperties(first: $first, orderBy: [CREATED_AT_ASC, ID_ASC], condition: { archivedAt: null }) {
    totalCount
    edges { node { id addressLine
      leadsByOrganizationIdAndPropertyId(orderBy: [CREATED_AT_DESC, ID_ASC]) { nodes { id firstName
        activitiesByOrganizationIdAndLeadId(orderBy: [OCCURRED_AT_DESC, ID_ASC]) { nodes { id type body } } } }
      dealsByOrganizationIdAndPropertyId(orderBy: [CREATED_AT_DESC, ID_ASC]) { nodes { id stage contractPrice } } } }
  }
}`;

/** Every `id` in an answer, sorted: equal for two answers that hold the same rows. */
function idsIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) idsIn(v, out);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      if (k === 'id' && typeof v === 'string') out.push(v);
      else idsIn(v, out);
    }
  return out.sort();
}

function report(
  bySize: Record<number, Record<Name, LoadResult>>,
  counts: Record<number, { data: number; roundTrips: number; tenantSwitches: number }>,
  opts: { seconds: number; connections: number },
  underLoad: { requests: number; statements: number; switches: number },
): Record<string, unknown> {
  console.log(
    `\nNested read: N properties x (2 leads x 3 activities + 1 deal), ${TENANTS} organizations round-robin, ` +
      `${opts.connections} connections, median of ${ROUNDS} alternating ${opts.seconds}s runs each`,
  );
  console.log('  first  server                        req/s     p50 ms   p95 ms   p99 ms   errors');
  const labels: Record<Name, string> = {
    baseline: 'baseline (graphql-js + pg)',
    postgraphile: 'PostGraphile v4',
    server: 'Real Estate OS (full stack)',
  };
  for (const first of PAGE_SIZES) {
    for (const name of NAMES) {
      const r = bySize[first]![name];
      const cells = [fmt(r.rps), fmt(r.p50), fmt(r.p95), fmt(r.p99), String(r.errors)].map((c) => c.padStart(7));
      console.log(`  ${String(first).padStart(5)}  ${labels[name].padEnd(28)} ${cells.join('  ')}`);
    }
    const r = bySize[first]!;
    console.log(
      `         this API ×${fmt(r.server.rps / r.baseline.rps, 2)} of the baseline, ` +
        `×${fmt(r.server.rps / r.postgraphile.rps, 2)} of PostGraphile`,
    );
  }
  const at50 = bySize[50]!;
  const [vsBase, vsPeer] = [at50.server.rps / at50.baseline.rps, at50.server.rps / at50.postgraphile.rps];
  console.log(
    `  first 50: ×${fmt(vsBase, 2)} of the baseline (target ≥ 1.0 ${vsBase >= 1 ? 'PASS' : 'MISS'}), ` +
      `×${fmt(vsPeer, 2)} of PostGraphile (target ≥ 1.2 ${vsPeer >= 1.2 ? 'PASS' : 'MISS'})`,
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
  const per = (n: number) => fmt(n / underLoad.requests, 2);
  console.log(
    `  under the load (${TENANTS} organizations, every size): ${per(underLoad.statements)} ORM statements and ` +
      `${per(underLoad.switches)} tenant switches (set_config) per request`,
  );
  return { nestedRead: { bySize, ratio: vsBase, vsPostgraphile: vsPeer, statements: counts, underLoad } };
}
