import { describe, expect, it } from 'vitest';
import { mergeFieldsOf, render, smsSize } from '../../src/domains/outreach/template.js';
import { badField } from '../helpers/errors.js';

describe('templates', () => {
  it('lists merge fields and fills them, blank when the recipient lacks a value', () => {
    const body = 'Hi {{lead.firstName}}, is {{ property.address }} for sale? — {{user.name}}';
    expect(mergeFieldsOf(body, 'input.body').sort()).toEqual(['lead.firstName', 'property.address', 'user.name']);
    expect(render(body, { 'lead.firstName': 'Sam', 'property.address': '12 Elm St' })).toBe(
      'Hi Sam, is 12 Elm St for sale? — ',
    );
  });

  it('rejects unknown or unbalanced merge fields naming them', () => {
    expect(badField(() => mergeFieldsOf('Hi {{lead.nickname}}', 'input.body'))).toBe('input.body');
    expect(() => mergeFieldsOf('Hi {{lead.nickname}}', 'input.subject')).toThrow(
      /Unknown merge field \{\{lead\.nickname\}\} in input\.subject/,
    );
    expect(badField(() => mergeFieldsOf('Hi {{lead.firstName}', 'input.body'))).toBe('input.body');
  });

  it('counts SMS segments the way carriers do', () => {
    expect(smsSize('a'.repeat(160))).toEqual({ encoding: 'GSM-7', length: 160, segments: 1 });
    expect(smsSize('a'.repeat(161))).toEqual({ encoding: 'GSM-7', length: 161, segments: 2 });
    expect(smsSize('a'.repeat(306)).segments).toBe(2); // 2 × 153
    expect(smsSize('a'.repeat(307)).segments).toBe(3);
    // extension chars count twice
    expect(smsSize('€'.repeat(80))).toEqual({ encoding: 'GSM-7', length: 160, segments: 1 });
    expect(smsSize('Hello 👋')).toEqual({ encoding: 'UCS-2', length: 8, segments: 1 });
    expect(smsSize('é'.repeat(100)).encoding).toBe('GSM-7');
    expect(smsSize('ś'.repeat(71))).toEqual({ encoding: 'UCS-2', length: 71, segments: 2 });
  });
});
