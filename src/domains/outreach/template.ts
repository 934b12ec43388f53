import { ValidationError } from '../../platform/errors/index.js';

/** Merge fields a template may use, with the value each takes from a recipient. */
export const MERGE_FIELDS = {
  'lead.firstName': 'Seller first name',
  'lead.lastName': 'Seller last name',
  'lead.fullName': 'Seller full name',
  'property.address': 'Street address',
  'property.city': 'City',
  'property.state': 'State',
  'property.zip': 'ZIP',
  'user.name': 'Sender name',
  'organization.name': 'Team name',
} as const;

export type MergeField = keyof typeof MERGE_FIELDS;
export type MergeValues = Partial<Record<MergeField, string>>;

const TOKEN = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The merge fields a text uses; unknown ones are BAD_USER_INPUT naming them and the input field. */
export function mergeFieldsOf(text: string, field: string): MergeField[] {
  const found = new Set<MergeField>();
  for (const [, name] of text.matchAll(TOKEN)) {
    if (!(name! in MERGE_FIELDS)) {
      throw new ValidationError(
        `Unknown merge field {{${name}}} in ${field}; known fields: ${Object.keys(MERGE_FIELDS).join(', ')}`,
        field,
        { mergeField: name },
      );
    }
    found.add(name as MergeField);
  }
  if (/\{\{|\}\}/.test(text.replace(TOKEN, ''))) throw new ValidationError(`Unbalanced {{ }} in ${field}`, field);
  return [...found];
}

/** Fills merge fields; a value the recipient lacks becomes an empty string. */
export function render(text: string, values: MergeValues): string {
  return text.replace(TOKEN, (_, name: MergeField) => values[name] ?? '');
}

// GSM 03.38 basic set and extension table (extension characters count twice).
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ ' +
    '!"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENDED = new Set('^{}\\[~]|€\f');

export interface SmsSize {
  encoding: 'GSM-7' | 'UCS-2';
  /** In characters as the network counts them (GSM extension characters count twice). */
  length: number;
  segments: number;
}

/**
 * Carriers expect marketing texts to say how to stop them; added when the template does not. This
 * is the text an SMS campaign sends, so sizes and previews of SMS templates are taken from it.
 */
export function withOptOutNotice(body: string): string {
  return /\bSTOP\b/.test(body) ? body : `${body}\nReply STOP to opt out.`;
}

/** Length and segment count of an SMS body: 160/153 per segment in GSM-7, 70/67 in UCS-2. */
export function smsSize(text: string): SmsSize {
  let gsm = true;
  let length = 0;
  for (const ch of text) {
    if (GSM_BASIC.has(ch)) length += 1;
    else if (GSM_EXTENDED.has(ch)) length += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (!gsm) {
    // UCS-2 counts UTF-16 code units (emoji take two).
    length = text.length;
    return { encoding: 'UCS-2', length, segments: length <= 70 ? 1 : Math.ceil(length / 67) };
  }
  return { encoding: 'GSM-7', length, segments: length <= 160 ? 1 : Math.ceil(length / 153) };
}
