import { print } from 'graphql';
import { PropertiesDocument } from '../client/index.js';
import { sha256 } from '../client/hash.js';
import { Role } from '../entities/enums.js';
import type { Config } from '../src/platform/config.js';
import { startServer } from '../src/platform/server.js';
import { runAsTenant } from '../src/platform/tenancy/tenant-em.js';
import { createServices } from '../src/domains/index.js';
import { forkForTenant } from '../src/platform/tenancy/tenant-em.js';
import { Organization, User } from '../entities/index.js';
import { apiEnv, fmt, load, spawnService, verify, type LoadResult } from './lib.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const ROUNDS = 3;

/**
 * Cost of the platform protections on a typical list read (20 properties): the same server with
 * everything on — query limits, rate limits (allowance high enough never to refuse, so only their
 * cost shows), trusted documents, and the client sending a persisted hash instead of the document —
 * against PROTECTIONS=off PERSISTED_OPERATIONS=off with the full document, in the same run.
 */
export async function benchProtections(
  config: Config,
  opts: { seconds: number; connections: number },
): Promise<Record<string, unknown>> {
  const setup = await startServer(config);
  const org = new Organization();
  org.name = 'Protections bench';
  const token = await runAsTenant(org.id, async () => {
    const em = forkForTenant(setup.deps.orm, org.id);
    em.persist(org);
    const user = em.create(User, {
      organizationId: org.id,
      email: `prot-${org.id}@example.com`,
      name: 'P',
      role: Role.OWNER,
      passwordHash: 'x',
    });
    await em.flush();
    const actor = { id: user.id, organizationId: org.id, role: Role.OWNER };
    for (let i = 0; i < 40; i++) {
      await createServices({ em: forkForTenant(setup.deps.orm, org.id), actor, deps: setup.deps }).properties.create({
        addressLine: `${200 + i} Guarded Way`,
        city: 'Austin',
        state: 'TX',
        zip: '78702',
        estimatedValue: 250_000 + i,
        tags: ['bench'],
      });
    }
    return (await setup.deps.tokens.signAccess(actor)).token;
  });
  await setup.close();

  const query = print(PropertiesDocument);
  const variables = { first: 20, orderBy: { field: 'CREATED_AT', direction: 'DESC' } };
  const plainBody = JSON.stringify({ query, variables, operationName: 'Properties' });
  const hashedBody = JSON.stringify({
    extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } },
    variables,
    operationName: 'Properties',
  });
  const headers = [{ authorization: `Bearer ${token}` }];
  const base = apiEnv(config);
  const variants = {
    off: { env: { ...base, PROTECTIONS: 'off', PERSISTED_OPERATIONS: 'off' }, body: plainBody },
    on: {
      env: { ...base, PROTECTIONS: 'on', PERSISTED_OPERATIONS: 'only', RATE_LIMIT_QUERIES_PER_MINUTE: '100000000' },
      body: hashedBody,
    },
  };
  // Both servers run side by side (idle when not loaded) and are loaded alternately, ROUNDS times;
  // the median of each is reported, so drift on the machine hits both alike.
  const apps = {
    off: await spawnService(`${ROOT}dist/src/main.js`, ['--no-worker'], variants.off.env, 'api listening'),
    on: await spawnService(`${ROOT}dist/src/main.js`, ['--no-worker'], variants.on.env, 'api listening'),
  };
  const offAnswer = JSON.stringify(await verify(apps.off.url, variants.off.body, headers[0]));
  if (JSON.stringify(await verify(apps.on.url, variants.on.body, headers[0])) !== offAnswer)
    throw new Error('protections changed the answer');
  const runs: Record<'off' | 'on', LoadResult[]> = { off: [], on: [] };
  for (const name of ['off', 'on'] as const)
    await load(apps[name].url, variants[name].body, headers, 2, opts.connections); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of ['off', 'on'] as const)
      runs[name].push(await load(apps[name].url, variants[name].body, headers, opts.seconds, opts.connections));
  }
  await Promise.all([apps.off.stop(), apps.on.stop()]);
  const median = (xs: LoadResult[]) => [...xs].sort((a, b) => a.rps - b.rps)[Math.floor(xs.length / 2)]!;
  const results: Record<string, LoadResult> = { off: median(runs.off), on: median(runs.on) };
  const drop = 1 - results.on!.rps / results.off!.rps;
  console.log(
    `\nProtections: 20-property list read, ${opts.connections} connections, median of ${ROUNDS} alternating ` +
      `${opts.seconds}s runs each`,
  );
  console.log('  variant                                        req/s     p50 ms   p95 ms   errors');
  for (const [name, r] of Object.entries(results)) {
    const label = name === 'on' ? 'all on (limits, rate limits, trusted hash)' : 'all off (full document)';
    console.log(
      `  ${label.padEnd(44)} ${fmt(r.rps).padStart(7)}  ${fmt(r.p50).padStart(7)}  ${fmt(r.p95).padStart(7)}  ` +
        `${String(r.errors).padStart(6)}`,
    );
  }
  console.log(
    `  throughput cost of protections: ${fmt(drop * 100)}% (target <= 15%) ${drop <= 0.15 ? 'PASS' : 'MISS'}`,
  );
  return {
    protections: { ...results, drop, runs: { off: runs.off.map((r) => r.rps), on: runs.on.map((r) => r.rps) } },
  };
}
