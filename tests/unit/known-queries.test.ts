import { describe, expect, it } from 'vitest';
import { KnownQueries, sha256 } from '../../src/platform/graphql/persisted.js';

const query = 'query Me { me { id } }';
const hash = sha256(query);

describe('KnownQueries: query texts handed to Apollo by hash', () => {
  it('keeps the body but the text, adds the hash, and holds the text until the request is done', () => {
    const known = new KnownQueries();
    const first = known.forApollo({ query, operationName: 'Me', variables: { a: 1 }, extensions: { trace: true } });
    expect(first.body).toEqual({
      operationName: 'Me',
      variables: { a: 1 },
      extensions: { trace: true, persistedQuery: { version: 1, sha256Hash: hash } },
    });
    const second = known.forApollo({ query });
    expect(second.body).toEqual({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
    expect(known.textOf(hash)).toBe(query);
    first.done();
    expect(known.textOf(hash)).toBe(query); // the second request still holds it
    second.done();
    expect(known.textOf(hash)).toBeUndefined();
  });

  it('leaves to Apollo what it would refuse or already reads by hash', () => {
    const known = new KnownQueries();
    const asIs = [
      undefined,
      [],
      'text',
      {},
      { query: '' },
      { query: 42 },
      { query, variables: '{"a":1}' },
      { query, variables: [1] },
      { query, operationName: 7 },
      { query, extensions: 'x' },
      { query, extensions: [] },
      { query, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } },
      { query: `{ me { id } }${' '.repeat(KnownQueries.MAX_TEXT_LENGTH)}` },
    ];
    for (const body of asIs) {
      const out = known.forApollo(body);
      expect(out.body).toBe(body);
      out.done();
    }
    expect(known.textOf(hash)).toBeUndefined();
  });

  it('stays right when its memory of hashes starts afresh while requests are in flight', () => {
    const known = new KnownQueries();
    const held = known.forApollo({ query });
    for (let i = 0; i < KnownQueries.MAX_TEXTS; i++) known.forApollo({ query: `{ a${i} }` }).done();
    expect(known.remembered.texts).toBe(1); // the 2,001st text seen started it afresh
    expect(known.textOf(hash)).toBe(query);
    // Long texts fill it by their size first.
    const long = `{ me { id } }${' '.repeat(KnownQueries.MAX_TEXT_LENGTH - 20)}`;
    for (let i = 0; i * long.length <= KnownQueries.MAX_CHARS; i++) {
      known.forApollo({ query: `${long}#${i}` }).done();
      expect(known.remembered.chars).toBeLessThanOrEqual(KnownQueries.MAX_CHARS);
    }
    expect(known.remembered.texts).toBeLessThan(KnownQueries.MAX_CHARS / long.length);
    expect(known.textOf(hash)).toBe(query);
    const again = known.forApollo({ query });
    expect((again.body as { extensions: unknown }).extensions).toEqual({
      persistedQuery: { version: 1, sha256Hash: hash },
    });
    held.done();
    again.done();
    expect(known.textOf(hash)).toBeUndefined();
  });
});
