import { getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { checkQueryLimits, DEFAULT_QUERY_LIMITS } from '../../src/platform/limits/query-limits.js';

/** The cost the limiter computes for a document (read from the error it raises at a limit of 0). */
function cost(query: string, variables: Record<string, unknown> = {}): number {
  const document = parse(query);
  try {
    checkQueryLimits(document, getOperationAST(document)!, variables, { ...DEFAULT_QUERY_LIMITS, maxCost: 0 });
  } catch (e) {
    return (e as { extensions: { actual: number } }).extensions.actual;
  }
  throw new Error('expected a cost');
}

describe('query cost', () => {
  const inline = `query { deals(first: 30) { edges { node { id title lead { id firstName } } } } }`;

  it('charges a connection by its page size once, whether edges are selected inline or through fragments', () => {
    const throughFragment = `query { deals(first: 30) { ...Page } }
      fragment Page on DealConnection { edges { node { ...Card } } }
      fragment Card on Deal { id title lead { id firstName } }`;
    const throughInlineFragment = `query { deals(first: 30) {
      ... on DealConnection { edges { node { id title lead { id firstName } } } } } }`;
    // deals 1 + edges (1 + 30 × node (1 + id + title + lead (1 + 2)))
    expect(cost(inline)).toBe(1 + 1 + 30 * (1 + 2 + 3));
    expect(cost(throughFragment)).toBe(cost(inline));
    expect(cost(throughInlineFragment)).toBe(cost(inline));
  });

  it('sizes a connection from its `first` variable, and without one from the default page of 20', () => {
    const byVariable = `query ($n: Int!) { deals(first: $n) { edges { node { id } } } }`;
    expect(cost(byVariable, { n: 50 })).toBe(1 + 1 + 50 * 2);
    expect(cost(`query { deals { edges { node { id } } } }`)).toBe(1 + 1 + 20 * 2);
  });

  it('measures a parsed operation once per page size its variables give it', () => {
    const document = parse(`query ($n: Int, $m: Int, $x: String) {
      deals(first: $n) { edges { node { id lead { activities(first: $m) { id } } } } } }`);
    const operation = getOperationAST(document)!;
    const at = (variables: Record<string, unknown>, maxCost: number) => {
      try {
        checkQueryLimits(document, operation, variables, { ...DEFAULT_QUERY_LIMITS, maxCost });
        return 'ok';
      } catch (e) {
        return (e as { extensions: { actual: number } }).extensions.actual;
      }
    };
    // deals 1 + edges (1 + n × node (1 + id + lead (1 + activities (1 + m × id))))
    const expected = (n: number, m: number) => 2 + n * (3 + 1 + m);
    expect(at({ n: 5, m: 2 }, 0)).toBe(expected(5, 2));
    expect(at({ n: 500, m: 2 }, 0)).toBe(expected(500, 2));
    expect(at({ n: 5, m: 90, x: 'other variables do not matter' }, 0)).toBe(expected(5, 90));
    expect(at({ n: 5, m: 2, x: 'y' }, 0)).toBe(expected(5, 2));
    expect(at({}, 0)).toBe(expected(20, 20)); // both default
    expect(at({ n: null, m: '3' }, 0)).toBe(expected(20, 3));
    // The limit is applied to the kept shape on every request.
    expect(at({ n: 500, m: 90 }, expected(500, 90))).toBe('ok');
    expect(at({ n: 500, m: 90 }, expected(500, 90) - 1)).toBe(expected(500, 90));
  });

  it('still multiplies plain lists: a relation list by 10, a list with `first` by its size', () => {
    expect(cost(`query { lead(id: "x") { deals { id } } }`)).toBe(1 + 1 + 10 * 1);
    expect(cost(`query { lead(id: "x") { activities(first: 30) { id } } }`)).toBe(1 + 1 + 30 * 1);
  });
});
