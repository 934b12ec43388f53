import { expect } from 'vitest';
import { AppError } from '../../src/platform/errors/index.js';

/** Runs `fn`, which must throw BAD_USER_INPUT, and returns the field the error names. */
export function badField(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('BAD_USER_INPUT');
    return (err as AppError).extensions.field as string;
  }
  throw new Error('expected a validation error');
}
