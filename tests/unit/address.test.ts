import { describe, expect, it } from 'vitest';
import { normalizeAddressKey, normalizeStreet } from '../../src/domains/properties/address.js';

describe('normalizeStreet', () => {
  it('folds case, punctuation, suffixes, directionals and unit designators', () => {
    const same = [
      '123 North Main Street, Apt. 4',
      '123 n main st #4',
      '123 N. MAIN ST APARTMENT 4',
      '123 north main street unit 4',
      '123  N Main St  # 4',
    ];
    const keys = new Set(same.map(normalizeStreet));
    expect([...keys]).toEqual(['123 N MAIN ST #4']);
  });

  it('keeps different houses different', () => {
    expect(normalizeStreet('123 Main St')).not.toBe(normalizeStreet('125 Main St'));
    expect(normalizeStreet('123 Main St')).not.toBe(normalizeStreet('123 Main Ave'));
    expect(normalizeStreet('123 Main St #4')).not.toBe(normalizeStreet('123 Main St #5'));
    expect(normalizeStreet('123 N Main St')).not.toBe(normalizeStreet('123 S Main St'));
  });

  it('treats ordinal numbers and their digits alike', () => {
    expect(normalizeStreet('500 West 21st Street')).toBe(normalizeStreet('500 W 21 St'));
  });
});

describe('normalizeAddressKey', () => {
  it('keys by street and 5-digit ZIP, ignoring ZIP+4', () => {
    expect(normalizeAddressKey('9 Elm Road', '78701')).toBe('9 ELM RD|78701');
    expect(normalizeAddressKey('9 Elm Road', '78701-1234')).toBe(normalizeAddressKey('9 elm rd', '78701'));
    expect(normalizeAddressKey('9 Elm Road', '78701')).not.toBe(normalizeAddressKey('9 Elm Road', '78702'));
  });
});
