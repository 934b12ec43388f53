import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTenant } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';

const jit = await startTestServer({ workers: false });
const interpreted = await startTestServer({ workers: false, config: { graphqlJit: false } });

const addProperty = 'mutation($i: PropertyInput!) { createProperty(input: $i) { id } }';
const address = { city: 'Austin', state: 'TX', zip: '78701' };

/**
 * Inputs that outside fuzzing turned into INTERNAL_SERVER_ERROR (some only on one executor), with the answer each must
 * get.
 */
const CASES: [string, Record<string, unknown>, string][] = [
  [
    'explicit null for a page size (null means the default)',
    { query: 'query($n: Int) { properties(first: $n) { totalCount } }', variables: { n: null } },
    'ok',
  ],
  [
    'an operationName that matches nothing',
    { query: '{ me { id } }', operationName: 'Nope' },
    'OPERATION_RESOLUTION_FAILURE',
  ],
  [
    'a year-0000 date as a variable',
    {
      query: 'query($f: DateTimeISO) { properties(filter: { createdAfter: $f }) { totalCount } }',
      variables: { f: '0000-01-01T00:00:00Z' },
    },
    'BAD_USER_INPUT',
  ],
  [
    'a year-0000 date as a literal',
    { query: '{ properties(filter: { createdAfter: "0000-01-01T00:00:00Z" }) { totalCount } }' },
    'GRAPHQL_VALIDATION_FAILED',
  ],
  [
    'a NUL character in a variable',
    { query: addProperty, variables: { i: { ...address, addressLine: '1 A\u0000 St' } } },
    'BAD_USER_INPUT',
  ],
  [
    'a NUL character in a literal',
    { query: 'mutation { createLead(input: { firstName: "A\\u0000", lastName: "B" }) { id } }' },
    'BAD_USER_INPUT',
  ],
  [
    'an unpaired surrogate',
    {
      query: 'mutation($i: LeadInput!) { createLead(input: $i) { id } }',
      variables: { i: { firstName: 'A\ud800', lastName: 'B' } },
    },
    'BAD_USER_INPUT',
  ],
  [
    '1e308 for a number',
    { query: addProperty, variables: { i: { ...address, addressLine: '2 B St', estimatedValue: 1e308 } } },
    'BAD_USER_INPUT',
  ],
  ['an APQ version 2', { extensions: { persistedQuery: { version: 2, sha256Hash: 'abc' } } }, 'BAD_REQUEST'],
  [
    'an APQ hash that does not match its query',
    {
      query: '{ me { id } }',
      extensions: { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update('x').digest('hex') } },
    },
    'BAD_REQUEST',
  ],
  [
    'a non-null variable with a default, omitted',
    { query: 'query($n: Int! = 5) { properties(first: $n) { totalCount } }' },
    'ok',
  ],
  [
    'a non-UUID in a list filter id',
    { query: '{ leads(filter: { propertyId: "abc" }) { totalCount } }' },
    'BAD_USER_INPUT',
  ],
];

describe('bad input answers a documented code, the same on both executors, never INTERNAL_SERVER_ERROR', () => {
  it.each(CASES)('%s', async (_name, body, expected) => {
    const answers: string[] = [];
    for (const server of [jit, interpreted]) {
      const t = await createTenant(server.url);
      const res = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${t.token}` },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
      answers.push(json.errors?.map((e) => e.extensions?.code).join(',') ?? 'ok');
    }
    expect(answers).toEqual([expected, expected]);
  });
});
