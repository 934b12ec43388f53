import { describe, expect, it } from 'vitest';
import * as v from '../../src/platform/validate.js';
import { badField } from '../helpers/errors.js';

describe('validators', () => {
  it('phones become E.164; US numbers may omit the country code', () => {
    expect(v.phone('(512) 555-0143')).toBe('+15125550143');
    expect(v.phone('+1 512.555.0143')).toBe('+15125550143');
    expect(v.phone('+44 20 7946 0958')).toBe('+442079460958');
    expect(badField(() => v.phone('555-01', 'input.phone'))).toBe('input.phone');
    expect(badField(() => v.phone('not a phone'))).toBe('phone');
  });

  it('emails are trimmed and lower-cased; junk is refused', () => {
    expect(v.email('  Sam@Example.COM ')).toBe('sam@example.com');
    for (const bad of ['a@b', 'no-at.example.com', 'a b@example.com', '@example.com'])
      expect(badField(() => v.email(bad))).toBe('email');
  });

  it('ZIP codes accept ZIP+4 and keep five digits; states are USPS codes', () => {
    expect(v.zip('78701-1234')).toBe('78701');
    expect(badField(() => v.zip('7870'))).toBe('zip');
    expect(v.usState(' tx ')).toBe('TX');
    expect(badField(() => v.usState('XX'))).toBe('state');
  });

  it('money is non-negative and rounded to cents; dates must exist', () => {
    expect(v.money(10.005, 'x')).toBe(10.01);
    expect(v.money(null, 'x')).toBeUndefined();
    expect(badField(() => v.money(-0.01, 'input.offerAmount'))).toBe('input.offerAmount');
    expect(badField(() => v.money(Number.NaN, 'x'))).toBe('x');
    expect(v.isoDate('2024-02-29', 'd')).toBe('2024-02-29');
    expect(badField(() => v.isoDate('2023-02-29', 'd'))).toBe('d');
    expect(badField(() => v.isoDate('2023-2-1', 'd'))).toBe('d');
  });

  it('tags are trimmed, lower-cased and de-duplicated', () => {
    expect(v.tags([' Vacant', 'vacant', 'Probate ', ''])).toEqual(['vacant', 'probate']);
    expect(badField(() => v.tags(Array.from({ length: 51 }, (_, i) => `t${i}`)))).toBe('tags');
  });
});
