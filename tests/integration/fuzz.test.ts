import { describe, expect, it } from 'vitest';
import { buildAppSchema } from '../../src/platform/graphql/schema.js';
import { testConfig } from '../helpers/env.js';
import { corpus, type FuzzOperation } from '../helpers/fuzz.js';
import { createTenant } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';

/**
 * 10,000 operations generated from the schema — every root query and mutation, with arguments of
 * the wrong type, out of range, NUL characters and lone surrogates, non-UUID ids, year 0000, 1e308,
 * explicit nulls through nullable variables, missing required fields, omitted variables, literals —
 * run through both executors (graphql-jit and graphql-js) as a signed-in owner. Not one may answer
 * INTERNAL_SERVER_ERROR or HTTP 5xx, and a query answers with the same codes on both.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261206);
const COUNT = Number(process.env.FUZZ_COUNT ?? 10_000);
const base = testConfig({ rateLimits: null }); // limits would answer most of the corpus before it reaches its resolver
const jit = await startTestServer({ config: { ...base, graphqlJit: true }, workers: false });
const plain = await startTestServer({ config: { ...base, graphqlJit: false }, workers: false });

interface Answer {
  status: number;
  codes: string[];
}

async function send(url: string, token: string, op: FuzzOperation): Promise<Answer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: op.query, variables: op.variables }),
  });
  const text = await res.text();
  let body: { errors?: { extensions?: { code?: string } }[] } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return { status: res.status, codes: ['NOT_JSON'] };
  }
  return { status: res.status, codes: (body.errors ?? []).map((e) => e.extensions?.code ?? 'NO_CODE').sort() };
}

/** Runs `ops` against `url`, `inFlight` at a time, keeping each answer at its operation's index. */
async function runAll(url: string, token: string, ops: FuzzOperation[], inFlight = 8): Promise<Answer[]> {
  const answers: Answer[] = new Array(ops.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < ops.length) {
        const i = next++;
        answers[i] = await send(url, token, ops[i]!);
      }
    }),
  );
  return answers;
}

describe('fuzzing every root field from the schema', () => {
  it(`${COUNT} operations on both executors: no INTERNAL_SERVER_ERROR, no 5xx, queries answer alike`, async () => {
    const schema = await buildAppSchema(jit.deps.pubsub.engine);
    // Signing out or changing the password would end the corpus' own session half-way.
    const ops = corpus(schema, COUNT, SEED, new Set(['logout', 'changePassword']));
    const t = await createTenant(jit.url);
    const [onJit, onPlain] = [await runAll(jit.url, t.token, ops), await runAll(plain.url, t.token, ops)];

    const broken: string[] = [];
    const differ: string[] = [];
    const codes = new Map<string, number>();
    ops.forEach((op, i) => {
      for (const [name, a] of [
        ['jit', onJit[i]!],
        ['graphql-js', onPlain[i]!],
      ] as const) {
        for (const c of a.codes) codes.set(c, (codes.get(c) ?? 0) + 1);
        if (a.status >= 500 || a.codes.some((c) => ['INTERNAL_SERVER_ERROR', 'NOT_JSON', 'NO_CODE'].includes(c)))
          broken.push(
            `${name} ${a.status} ${a.codes.join(',')}: ${op.query} ${JSON.stringify(op.variables).slice(0, 300)}`,
          );
      }
      if (op.kind === 'query' && onJit[i]!.codes.join() !== onPlain[i]!.codes.join())
        differ.push(`${op.field}: jit ${onJit[i]!.codes.join()} / graphql-js ${onPlain[i]!.codes.join()}: ${op.query}`);
    });
    console.log(
      `fuzz (seed ${SEED}): ${ops.length} operations × 2 executors; error codes: ` +
        [...codes]
          .sort((a, b) => b[1] - a[1])
          .map(([c, n]) => `${c} ${n}`)
          .join(', '),
    );
    expect(broken.slice(0, 10)).toEqual([]);
    expect(differ.slice(0, 10)).toEqual([]);
  }, 300_000);
});
