import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Kind, parse, print, type OperationDefinitionNode } from 'graphql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, seed } from '../../src/cli/seed.js';
import { prepareDatabase } from '../../src/platform/db/bootstrap.js';
import { testConfig } from '../helpers/env.js';
import { waitFor } from '../helpers/gql.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { wsClient } from '../helpers/ws.js';

/*
 * Every GraphQL and TypeScript example in docs/ runs as written, in order, against a freshly seeded
 * demo organization signed in as the demo owner — the state a reader has after `npm start`.
 * Conventions (stated in docs/api.md): a ```json block right after a ```graphql block holds its
 * variables; a value "{{createLead.id}}" is what an earlier example returned (in Sandbox, paste it);
 * an example that acts on background work is retried for up to 15 s, as a person waits for the job.
 */
const ROOT = new URL('../../', import.meta.url).pathname;
const DOCS = join(ROOT, 'docs');
const DB = `reos_docs_${process.pid}`;

interface Example {
  file: string;
  line: number;
  lang: 'graphql' | 'ts';
  code: string;
  variables?: string;
}

/** The fenced examples of a Markdown file in order, each GraphQL one with the JSON block that follows it. */
function examplesOf(file: string): Example[] {
  const text = readFileSync(join(DOCS, file), 'utf8');
  const blocks = [...text.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map((m) => ({
    lang: m[1]!,
    code: m[2]!,
    line: text.slice(0, m.index).split('\n').length,
    end: m.index + m[0].length,
    start: m.index,
  }));
  const out: Example[] = [];
  blocks.forEach((b, i) => {
    if (b.lang !== 'graphql' && b.lang !== 'ts') return;
    const next = blocks[i + 1];
    const adjacent = next?.lang === 'json' && text.slice(b.end, next.start).trim() === '';
    out.push({
      file,
      line: b.line,
      lang: b.lang,
      code: b.code,
      variables: adjacent && b.lang === 'graphql' ? next.code : undefined,
    });
  });
  return out;
}

const examples = readdirSync(DOCS)
  .filter((f) => f.endsWith('.md'))
  .sort((a, b) => (a === 'api.md' ? -1 : b === 'api.md' ? 1 : a.localeCompare(b)))
  .flatMap(examplesOf);

let server: TestServer;
let token = '';
const results: Record<string, unknown> = {};
/** Until when a failing example is retried (background work): set per example. */
let deadline = 0;

beforeAll(async () => {
  const url = (user: string) => `postgres://${user}@127.0.0.1:5432/${DB}`;
  // Sign-in limits as in development (the examples sign in as the demo owner several times).
  const rateLimits = { queriesPerMinute: 1_200, mutationsPerMinute: 240, authMultiplier: 20 };
  const config = testConfig({ databaseUrl: url('reos_app'), databaseOwnerUrl: url('postgres'), rateLimits });
  await prepareDatabase(config);
  server = await startTestServer({ config });
  await seed(server.deps, { properties: 30, deals: 24 });
  // As after `npm start`: the seed's geocoding has run.
  await waitFor(
    async () =>
      (await server.deps.queues.geocode.getJobCounts('waiting', 'active', 'delayed')).waiting === 0 ? true : null,
    30_000,
    'geocoding',
  );
  const res = await post({
    query: `mutation { login(input: { email: "${DEMO.email}", password: "${DEMO.password}" }) { accessToken } }`,
  });
  token = (res.data as { login: { accessToken: string } }).login.accessToken;
}, 120_000);

afterAll(async () => {
  await server?.close();
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`drop database if exists ${DB} with (force)`);
  await admin.end();
});

async function post(
  body: Record<string, unknown>,
): Promise<{ data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] }> {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return (await res.json()) as never;
}

/** "{{createLead.id}}" → the `id` an earlier example's `createLead` returned (paths may index lists: edges[0]). */
function resolveRefs(value: unknown): unknown {
  if (typeof value === 'string') {
    const m = /^\{\{([\w.[\]]+)\}\}$/.exec(value);
    if (!m) return value;
    const found = m[1]!
      .split(/\.|\[(\d+)\]/)
      .filter(Boolean)
      .reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], results);
    if (found === undefined) throw new Error(`${value} refers to nothing an earlier example returned`);
    return found;
  }
  if (Array.isArray(value)) return value.map(resolveRefs);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v)]));
  return value;
}

async function runSubscription(op: OperationDefinitionNode, variables: Record<string, unknown>): Promise<void> {
  const client = wsClient(server.wsUrl, token);
  try {
    await new Promise<void>((resolve, reject) => {
      client.subscribe(
        { query: print(op), variables },
        {
          next: (r) => (r.errors ? reject(new Error(JSON.stringify(r.errors))) : undefined),
          error: reject,
          complete: resolve,
        },
      );
      setTimeout(resolve, 400); // accepted: no error while it is listening
    });
  } finally {
    await client.dispose();
  }
}

async function runGraphql(example: Example): Promise<void> {
  const document = parse(example.code);
  const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (ops.length > 1 && ops.some((o) => !o.name)) throw new Error('a block with several operations must name each one');
  const given = example.variables ? (JSON.parse(example.variables) as Record<string, unknown>) : {};
  for (const op of ops) {
    // Each operation takes the variables it declares, resolved just before it runs (so it can use what the previous one
    // returned).
    const declared = new Set((op.variableDefinitions ?? []).map((v) => v.variable.name.value));
    const variables = resolveRefs(Object.fromEntries(Object.entries(given).filter(([k]) => declared.has(k)))) as Record<
      string,
      unknown
    >;
    if (op.operation === 'subscription') {
      await runSubscription(op, variables);
      continue;
    }
    const body = { query: example.code, operationName: op.name?.value, variables };
    const res = await waitFor(
      async () => {
        const r = await post(body);
        return r.errors ? (Date.now() > deadline ? r : null) : r;
      },
      16_000,
      `${example.file}:${example.line} ${op.name?.value ?? ''}`,
    );
    expect(res.errors, `${example.file}:${example.line} ${op.name?.value ?? ''}`).toBeUndefined();
    Object.assign(results, res.data as object);
  }
}
async function runTs(example: Example, n: number): Promise<void> {
  const dir = join(ROOT, '.docs-examples');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `example-${n}.mts`);
  writeFileSync(file, example.code);
  try {
    const { stdout } = await promisify(execFile)(
      join(ROOT, 'node_modules/.bin/node'),
      ['--experimental-strip-types', '--no-warnings', file],
      {
        cwd: ROOT,
        env: { ...process.env, API_URL: server.url, WS_URL: server.wsUrl },
        timeout: 60_000,
      },
    );
    results[`ts${n}`] = stdout;
  } finally {
    rmSync(file, { force: true });
  }
}

describe('docs examples run as written', () => {
  it('finds examples in docs/', () => {
    expect(examples.filter((e) => e.lang === 'graphql').length).toBeGreaterThanOrEqual(15);
    expect(examples.filter((e) => e.lang === 'ts').length).toBeGreaterThanOrEqual(3);
  });

  examples.forEach((example, n) => {
    it(`${example.file}:${example.line} (${example.lang})`, async () => {
      deadline = Date.now() + 15_000;
      if (example.lang === 'graphql') await runGraphql(example);
      else await runTs(example, n);
    }, 90_000);
  });
});
