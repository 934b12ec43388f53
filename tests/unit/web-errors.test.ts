import { CombinedError } from '@urql/core';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { describe as words, problemOf, splitByField } from '../../web/src/lib/errors.js';

describe('web client: server errors in words', () => {
  it('gives RATE_LIMITED with the time to wait, and validation messages next to their field', () => {
    expect(words({ message: 'x', extensions: { code: 'RATE_LIMITED', retryAfter: 42.3 } })).toMatchObject({
      message: 'Too many requests. Try again in 43 seconds.',
      retryAfterSeconds: 43,
    });
    const error = new CombinedError({
      graphQLErrors: [
        new GraphQLError('body must not be empty', { extensions: { code: 'BAD_USER_INPUT', field: 'body' } }),
        new GraphQLError('x', { extensions: { code: 'FORBIDDEN' } }),
      ],
    });
    const { byField, general } = splitByField(error);
    expect(byField).toEqual({ body: 'body must not be empty' });
    expect(general?.message).toBe('Your role does not allow this. Ask an owner or admin.');
  });

  it('never shows a raw server message for unexpected errors, nor for a failed network', () => {
    const internal = words({ message: 'relation "deals" does not exist at Parser.parse (/app/x.js:1:1)' });
    expect(internal).toEqual({
      code: 'INTERNAL_SERVER_ERROR',
      field: undefined,
      message: 'Something went wrong on our side. Try again; if it keeps happening, tell us.',
    });
    const offline = problemOf(new CombinedError({ networkError: new TypeError('Failed to fetch') }));
    expect(offline).toEqual({
      code: 'NETWORK',
      message: 'Cannot reach the server. Check your connection; we will keep trying.',
    });
  });
});
