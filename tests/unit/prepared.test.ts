import { describe, expect, it } from 'vitest';
import { numberPlaceholders } from '../../src/platform/db/prepared.js';

describe('numberPlaceholders', () => {
  it('numbers each ? in order, casts and all', () => {
    expect(numberPlaceholders('select ? , ?::uuid[] where a = any(?) and b = ?')).toBe(
      'select $1 , $2::uuid[] where a = any($3) and b = $4',
    );
  });

  it('leaves ? alone inside strings, quoted identifiers and comments', () => {
    expect(numberPlaceholders(`select 'what?', 'it''s ?', "col?" -- why?\n from t where x = ?`)).toBe(
      `select 'what?', 'it''s ?', "col?" -- why?\n from t where x = $1`,
    );
  });

  it('refuses the ORM identifier placeholder ?? instead of binding it as a value', () => {
    expect(() => numberPlaceholders('select ?? from t')).toThrow(/not supported/);
  });
});
