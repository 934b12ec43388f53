import { registerEnumType } from 'type-graphql';
import { ValidationError } from '../../platform/errors/index.js';
import * as v from '../../platform/validate.js';

/** What a submitted field means. */
export enum IntakeField {
  FIRST_NAME = 'FIRST_NAME',
  LAST_NAME = 'LAST_NAME',
  /** "Jane Q. Doe": the last word is the last name. */
  FULL_NAME = 'FULL_NAME',
  EMAIL = 'EMAIL',
  PHONE = 'PHONE',
  ADDRESS = 'ADDRESS',
  CITY = 'CITY',
  STATE = 'STATE',
  ZIP = 'ZIP',
  /** Kept as the lead's motivation and on the timeline. */
  MESSAGE = 'MESSAGE',
  /** Truthy (true, yes, on, 1, agree…) when the person ticked the consent box. */
  CONSENT = 'CONSENT',
  PAGE_URL = 'PAGE_URL',
  IGNORE = 'IGNORE',
}
registerEnumType(IntakeField, { name: 'IntakeField', description: 'What a submitted form field means' });

/** Field names understood without a mapping (compared lower-case without spaces, `_` or `-`). */
const DEFAULTS: Record<string, IntakeField> = {
  firstname: IntakeField.FIRST_NAME,
  fname: IntakeField.FIRST_NAME,
  lastname: IntakeField.LAST_NAME,
  lname: IntakeField.LAST_NAME,
  name: IntakeField.FULL_NAME,
  fullname: IntakeField.FULL_NAME,
  email: IntakeField.EMAIL,
  emailaddress: IntakeField.EMAIL,
  phone: IntakeField.PHONE,
  phonenumber: IntakeField.PHONE,
  mobile: IntakeField.PHONE,
  cell: IntakeField.PHONE,
  address: IntakeField.ADDRESS,
  street: IntakeField.ADDRESS,
  streetaddress: IntakeField.ADDRESS,
  propertyaddress: IntakeField.ADDRESS,
  address1: IntakeField.ADDRESS,
  city: IntakeField.CITY,
  state: IntakeField.STATE,
  zip: IntakeField.ZIP,
  zipcode: IntakeField.ZIP,
  postalcode: IntakeField.ZIP,
  message: IntakeField.MESSAGE,
  comments: IntakeField.MESSAGE,
  notes: IntakeField.MESSAGE,
  consent: IntakeField.CONSENT,
  smsconsent: IntakeField.CONSENT,
  optin: IntakeField.CONSENT,
  agree: IntakeField.CONSENT,
  pageurl: IntakeField.PAGE_URL,
};

/** A submission's honeypot: a field people never see; a bot fills it. */
export const HONEYPOT_FIELD = '_honeypot';
const TRUTHY = new Set(['true', 'yes', 'y', 'on', '1', 'agree', 'agreed', 'checked', 'x']);
const LAST_NAME_UNKNOWN = '(not given)';

export interface Submission {
  firstName: string;
  lastName: string;
  email?: string;
  phone?: string;
  address?: { addressLine: string; city: string; state: string; zip: string };
  /** An address given without city, state and zip: kept in the note only. */
  looseAddress?: string;
  message?: string;
  consent: boolean;
  pageUrl?: string;
}

const key = (name: string) => name.toLowerCase().replace(/[\s_-]/g, '');

/**
 * Reads a submitted body through the form's mapping (then the default names): names split,
 * email and phone normalized as createLead does; a bad value is BAD_USER_INPUT naming the
 * submitted field. Needs a name and an email or a phone.
 */
export function readSubmission(body: Record<string, unknown>, mapping: Record<string, string>): Submission {
  const got = new Map<IntakeField, { name: string; value: string }>();
  for (const [name, raw] of Object.entries(body)) {
    if (name === HONEYPOT_FIELD) continue;
    const meaning = (mapping[name] as IntakeField | undefined) ?? DEFAULTS[key(name)];
    if (!meaning || meaning === IntakeField.IGNORE || got.has(meaning)) continue;
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === null || value === undefined || typeof value === 'object') continue;
    const text = String(value).trim();
    if (text.length > 5_000) throw new ValidationError(`${name} is longer than 5,000 characters`, name);
    if (text && !v.isStorableText(text))
      throw new ValidationError(`${name} contains characters that cannot be stored`, name);
    if (text) got.set(meaning, { name, value: text });
  }
  const field = (f: IntakeField) => got.get(f);
  let first = field(IntakeField.FIRST_NAME)?.value;
  let last = field(IntakeField.LAST_NAME)?.value;
  const full = field(IntakeField.FULL_NAME);
  if (!first && full) {
    const words = full.value.split(/\s+/);
    first = words.length > 1 ? words.slice(0, -1).join(' ') : words[0];
    last ??= words.length > 1 ? words.at(-1) : undefined;
  }
  if (!first) throw new ValidationError('A name is required (firstName or name)', 'firstName');
  const email = field(IntakeField.EMAIL);
  const phone = field(IntakeField.PHONE);
  if (!email && !phone) throw new ValidationError('An email or a phone number is required', 'email');
  const s: Submission = {
    firstName: v.requiredText(first, field(IntakeField.FIRST_NAME)?.name ?? full!.name, 100),
    lastName: v.requiredText(last ?? LAST_NAME_UNKNOWN, field(IntakeField.LAST_NAME)?.name ?? 'lastName', 100),
    email: email && v.email(email.value, email.name),
    phone: phone && v.phone(phone.value, phone.name),
    message: field(IntakeField.MESSAGE)?.value,
    consent: TRUTHY.has((field(IntakeField.CONSENT)?.value ?? '').toLowerCase()),
    pageUrl: field(IntakeField.PAGE_URL)?.value.slice(0, 2_000),
  };
  const [addressLine, city, state, zip] = [
    IntakeField.ADDRESS,
    IntakeField.CITY,
    IntakeField.STATE,
    IntakeField.ZIP,
  ].map(field);
  if (addressLine && city && state && zip)
    s.address = {
      addressLine: v.requiredText(addressLine.value, addressLine.name, 200),
      city: v.requiredText(city.value, city.name, 100),
      state: v.usState(state.value, state.name),
      zip: v.zip(zip.value, zip.name),
    };
  else if (addressLine)
    s.looseAddress = [addressLine, city, state, zip].flatMap((x) => (x ? [x.value] : [])).join(', ');
  return s;
}

/** A mapping as saved: submitted names (1–100 characters) to known meanings. */
export function checkMapping(entries: { field: string; to: IntakeField }[] | null | undefined): Record<string, string> {
  const mapping: Record<string, string> = {};
  (entries ?? []).forEach((e, i) => {
    const name = v.requiredText(e.field, `input.fieldMapping[${i}].field`, 100);
    if (name === HONEYPOT_FIELD)
      throw new ValidationError(
        `${HONEYPOT_FIELD} is the honeypot and cannot be mapped`,
        `input.fieldMapping[${i}].field`,
      );
    if (!Object.values(IntakeField).includes(e.to))
      throw new ValidationError('Unknown lead field', `input.fieldMapping[${i}].to`);
    mapping[name] = e.to;
  });
  if (Object.keys(mapping).length > 100) throw new ValidationError('At most 100 mapped fields', 'input.fieldMapping');
  return mapping;
}
