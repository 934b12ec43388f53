import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { ValidationError } from './errors/index.js';

/** Field validators shared by every service. Each throws BAD_USER_INPUT naming the field. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;
const US_STATES = new Set(
  (
    'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND ' +
    'OH OK OR PA ' +
    'RI SC SD TN TX UT VT VA WA WV WI WY PR VI GU AS MP'
  ).split(' '),
);

export function requiredText(value: string | null | undefined, field: string, max = 200): string {
  const v = (value ?? '').trim();
  if (!v) throw new ValidationError(`${field} must not be empty`, field);
  if (v.length > max) throw new ValidationError(`${field} must be at most ${max} characters`, field);
  return v;
}

export function optionalText(value: string | null | undefined, field: string, max = 5000): string | undefined {
  if (value == null) return undefined;
  const v = value.trim();
  if (v.length > max) throw new ValidationError(`${field} must be at most ${max} characters`, field);
  return v || undefined;
}

/**
 * The one spelling of an email address: Unicode NFKC (so a KELVIN SIGN is a K), trimmed,
 * lower-cased. Sign-in, storage and the sign-in rate limits all key on it.
 */
export function normalizeEmail(value: string): string {
  return value.normalize('NFKC').trim().toLowerCase();
}

export function email(value: string, field = 'email'): string {
  const v = normalizeEmail(value);
  if (v.length > 254 || !EMAIL.test(v)) throw new ValidationError(`${field} is not a valid email address`, field);
  return v;
}

/** Any reasonable phone format; US numbers may omit the country code. Returns E.164. */
export function phone(value: string, field = 'phone'): string {
  const parsed = parsePhoneNumberFromString(value.trim(), 'US');
  if (!parsed || !parsed.isValid()) throw new ValidationError(`${field} is not a valid phone number`, field);
  return parsed.number;
}

export function zip(value: string, field = 'zip'): string {
  const v = value.trim();
  const m = /^(\d{5})(?:-\d{4})?$/.exec(v);
  if (!m) throw new ValidationError(`${field} must be a 5-digit ZIP code (optionally ZIP+4)`, field);
  return m[1]!;
}

export function usState(value: string, field = 'state'): string {
  const v = value.trim().toUpperCase();
  if (!US_STATES.has(v)) throw new ValidationError(`${field} must be a two-letter US state code`, field);
  return v;
}

export function money(value: number | null | undefined, field: string): number | undefined {
  if (value == null) return undefined;
  if (!Number.isFinite(value) || value < 0) throw new ValidationError(`${field} must be zero or more`, field);
  if (value >= 1e12) throw new ValidationError(`${field} is too large`, field);
  return Math.round(value * 100) / 100;
}

export function intRange(
  value: number | null | undefined,
  field: string,
  min: number,
  max: number,
): number | undefined {
  if (value != null && !Number.isInteger(value))
    throw new ValidationError(`${field} must be a whole number from ${min} to ${max}`, field);
  return numberRange(value, field, min, max, `${field} must be a whole number from ${min} to ${max}`);
}

export function numberRange(
  value: number | null | undefined,
  field: string,
  min: number,
  max: number,
  message = `${field} must be between ${min} and ${max}`,
): number | undefined {
  if (value == null) return undefined;
  if (!Number.isFinite(value) || value < min || value > max) throw new ValidationError(message, field);
  return value;
}

/** ISO calendar date (YYYY-MM-DD) that actually exists. */
export function isoDate(value: string | null | undefined, field: string): string | undefined {
  if (value == null) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const d = m ? new Date(`${value}T00:00:00Z`) : null;
  if (!m || !d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) {
    throw new ValidationError(`${field} must be a date in the form YYYY-MM-DD`, field);
  }
  return value;
}

export function tags(values: string[] | null | undefined, field = 'tags'): string[] | undefined {
  if (values == null) return undefined;
  if (values.length > 50) throw new ValidationError(`${field} may hold at most 50 tags`, field);
  const out = [...new Set(values.map((t) => t.trim().toLowerCase()).filter(Boolean))];
  for (const t of out)
    if (t.length > 50) throw new ValidationError(`each of ${field} must be at most 50 characters`, field);
  return out;
}

export function password(value: string, field = 'password'): string {
  if (value.length < 10) throw new ValidationError(`${field} must be at least 10 characters`, field);
  if (value.length > 200) throw new ValidationError(`${field} must be at most 200 characters`, field);
  return value;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string is a UUID (every id this API hands out is one). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export function uuid(value: string, field: string): string {
  if (!isUuid(value)) {
    throw new ValidationError(`${field} is not a valid id`, field);
  }
  return value.toLowerCase();
}

/** Longest search or match text a list filter takes; longer is refused rather than scanned. */
export const MAX_FILTER_TEXT = 200;
const NOT_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** False for strings PostgreSQL cannot store as given: a NUL character or an unpaired UTF-16 surrogate. */
export function isStorableText(value: string): boolean {
  return !NOT_TEXT.test(value);
}

/** Most values a list filter's list (tags, statuses, ids) takes. */
export const MAX_FILTER_VALUES = 100;

/**
 * Checks a list filter before it reaches SQL: text at most MAX_FILTER_TEXT characters without NUL
 * or unpaired surrogates (Postgres refuses both), at most MAX_FILTER_VALUES values per list, and
 * every `...Id` field a UUID (another organization's id simply matches nothing). Returns it as is.
 */
export function listFilter<T extends object>(filter: T, field = 'filter'): T {
  for (const [key, value] of Object.entries(filter)) {
    const path = `${field}.${key}`;
    const values = Array.isArray(value) ? value : [value];
    if (Array.isArray(value) && value.length > MAX_FILTER_VALUES) {
      throw new ValidationError(`${path} takes at most ${MAX_FILTER_VALUES} values`, path);
    }
    for (const item of values) {
      if (typeof item !== 'string') continue;
      if (item.length > MAX_FILTER_TEXT)
        throw new ValidationError(`${path} must be at most ${MAX_FILTER_TEXT} characters`, path);
      if (!isStorableText(item)) throw new ValidationError(`${path} contains characters that are not text`, path);
      if (/Id$/.test(key) && !isUuid(item)) throw new ValidationError(`${path} is not a valid id`, path);
    }
  }
  return filter;
}
