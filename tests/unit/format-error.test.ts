import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { formatError, isUnexpected } from '../../src/platform/errors/format-error.js';
import { NotFoundError, ValidationError } from '../../src/platform/errors/index.js';

function fromResolver(original: Error): GraphQLError {
  return new GraphQLError(original.message, { path: ['field'], originalError: original });
}

describe('formatError', () => {
  it('keeps domain errors with their code and details', () => {
    const e = fromResolver(new ValidationError('zip must be a 5-digit ZIP code', 'input.zip'));
    expect(formatError(e.toJSON(), e)).toMatchObject({
      message: 'zip must be a 5-digit ZIP code',
      extensions: { code: 'BAD_USER_INPUT', field: 'input.zip' },
    });
    expect(isUnexpected(e)).toBe(false);
    const nf = fromResolver(new NotFoundError('Deal', 'x'));
    expect(formatError(nf.toJSON(), nf).extensions).toMatchObject({ code: 'NOT_FOUND', entity: 'Deal' });
  });

  it('masks database and programming errors completely', () => {
    const db = fromResolver(
      Object.assign(new Error('insert into "properties" ("id") values ($1) - permission denied for table properties'), {
        code: '42501',
      }),
    );
    const out = formatError(db.toJSON(), db);
    expect(out).toEqual({
      message: 'Internal server error',
      path: ['field'],
      locations: undefined,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(isUnexpected(db)).toBe(true);
    const bug = fromResolver(new TypeError("Cannot read properties of undefined (reading 'id')"));
    expect(formatError(bug.toJSON(), bug).message).toBe('Internal server error');
  });

  it('keeps GraphQL’s own validation messages', () => {
    const e = new GraphQLError('Cannot query field "nope" on type "Query".');
    expect(formatError(e.toJSON(), e)).toMatchObject({
      message: 'Cannot query field "nope" on type "Query".',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    expect(isUnexpected(e)).toBe(false);
  });

  it('does not trust a code on an error that wraps something else', () => {
    const sneaky = new GraphQLError('secret SQL here', {
      path: ['x'],
      originalError: new Error('secret SQL here'),
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(formatError(sneaky.toJSON(), sneaky).message).toBe('Internal server error');
  });
});
