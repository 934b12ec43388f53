import {
  ConsentStatus,
  ImportKind,
  LeadSource,
  LeadStatus,
  MessageChannel,
  PropertyType,
} from '../../../entities/enums.js';
import { ValidationError } from '../../platform/errors/index.js';
import { normalizeAddressKey } from '../properties/address.js';
import * as v from '../../platform/validate.js';

/**
 * What an import can fill, per kind, and the column headers each field is found under by default —
 * the spellings of the common list providers (PropStream, BatchLeads, DataTree, ListSource, county
 * exports). Headers are compared without case, spaces or punctuation: "Owner 1 First Name" =
 * "owner1firstname".
 */
interface FieldSpec {
  field: string;
  headers: string[];
}

const ADDRESS: FieldSpec[] = [
  {
    field: 'addressLine',
    headers: [
      'address',
      'addressline',
      'propertyaddress',
      'streetaddress',
      'street',
      'siteaddress',
      'situsaddress',
      'propertystreet',
      'propertyaddressline',
    ],
  },
  { field: 'city', headers: ['city', 'propertycity', 'sitecity', 'situscity'] },
  { field: 'state', headers: ['state', 'propertystate', 'sitestate', 'situsstate', 'st'] },
  {
    field: 'zip',
    headers: ['zip', 'zipcode', 'postalcode', 'propertyzip', 'propertyzipcode', 'sitezip', 'situszip', 'zip5'],
  },
];

export const FIELDS: Record<ImportKind, FieldSpec[]> = {
  [ImportKind.PROPERTIES]: [
    ...ADDRESS,
    { field: 'county', headers: ['county', 'propertycounty'] },
    { field: 'propertyType', headers: ['propertytype', 'type', 'landuse', 'usecode', 'propertyusegroup'] },
    { field: 'bedrooms', headers: ['bedrooms', 'beds', 'bed', 'bd', 'bedroomcount'] },
    { field: 'bathrooms', headers: ['bathrooms', 'baths', 'bath', 'ba', 'bathroomcount', 'totalbathrooms'] },
    {
      field: 'squareFeet',
      headers: ['squarefeet', 'sqft', 'livingarea', 'buildingsqft', 'livingsqft', 'livingsquarefeet', 'buildingarea'],
    },
    { field: 'lotSizeSqft', headers: ['lotsizesqft', 'lotsize', 'lotsqft', 'lotsquarefeet', 'lotarea'] },
    { field: 'yearBuilt', headers: ['yearbuilt', 'yrbuilt', 'effectiveyearbuilt'] },
    {
      field: 'estimatedValue',
      headers: ['estimatedvalue', 'estvalue', 'avm', 'marketvalue', 'estimatedmarketvalue', 'value'],
    },
    { field: 'lastSaleDate', headers: ['lastsaledate', 'saledate', 'lastsolddate', 'lastsalerecordingdate'] },
    { field: 'lastSalePrice', headers: ['lastsaleprice', 'saleprice', 'lastsoldprice', 'lastsaleamount'] },
    { field: 'ownerName', headers: ['ownername', 'owner', 'owner1fullname', 'ownerfullname', 'owner1name'] },
    { field: 'ownerMailingAddress', headers: ['ownermailingaddress', 'mailingaddress', 'mailaddress', 'owneraddress'] },
    { field: 'ownerOccupied', headers: ['owneroccupied', 'owneroccupancy', 'ownerocc'] },
    { field: 'tags', headers: ['tags', 'lists', 'list'] },
  ],
  [ImportKind.LEADS]: [
    { field: 'firstName', headers: ['firstname', 'first', 'ownerfirstname', 'owner1firstname', 'givenname'] },
    { field: 'lastName', headers: ['lastname', 'last', 'ownerlastname', 'owner1lastname', 'surname', 'familyname'] },
    {
      field: 'fullName',
      headers: ['name', 'fullname', 'ownername', 'owner', 'owner1fullname', 'ownerfullname', 'contactname'],
    },
    { field: 'email', headers: ['email', 'emailaddress', 'email1', 'owneremail', 'primaryemail', 'email1address'] },
    {
      field: 'phone',
      headers: [
        'phone',
        'phonenumber',
        'phone1',
        'mobile',
        'mobile1',
        'cell',
        'cellphone',
        'ownerphone',
        'primaryphone',
        'wireless1',
        'phone1number',
      ],
    },
    { field: 'source', headers: ['source', 'leadsource'] },
    { field: 'status', headers: ['status', 'leadstatus'] },
    { field: 'motivation', headers: ['motivation', 'notes', 'motivationnotes', 'comments', 'note'] },
    ...ADDRESS,
    {
      field: 'consent',
      headers: ['consent', 'optin', 'optedin', 'smsoptin', 'textoptin', 'emailoptin', 'tcpaconsent', 'consentgiven'],
    },
    { field: 'consentChannel', headers: ['consentchannel', 'optinchannel', 'consenttype'] },
    { field: 'consentDate', headers: ['consentdate', 'optindate', 'consentedat', 'optinat', 'consenttimestamp'] },
    { field: 'consentSource', headers: ['consentsource', 'optinsource', 'consentmethod'] },
    { field: 'consentEvidence', headers: ['consentevidence', 'optinurl', 'consenturl', 'formurl', 'evidence'] },
  ],
};

export const normalizeHeader = (h: string) => h.toLowerCase().replace(/[^a-z0-9]/g, '');

export interface ResolvedMapping {
  /** field → column index */
  index: Record<string, number>;
  /** field → header, for the record */
  byName: Record<string, string>;
  unmapped: string[];
  /** Columns in the header row. */
  width: number;
}

/**
 * The mapping an import uses: the caller's `mapping` (column header → field) first, then the default
 * headers for every field still unmapped. Refuses unknown fields, columns not in the header, a
 * header row with blank or repeated names, and a mapping that lacks the kind's required fields.
 */
export function resolveMapping(
  kind: ImportKind,
  header: string[],
  given: { column: string; field: string }[] = [],
): ResolvedMapping {
  const specs = FIELDS[kind];
  const known = new Set(specs.map((s) => s.field));
  const seen = new Map<string, number>();
  header.forEach((h, i) => {
    const key = normalizeHeader(h);
    if (!key) throw new ValidationError(`Column ${i + 1} of the header row has no name`, 'mapping');
    if (seen.has(key))
      throw new ValidationError(
        `The header row names "${h}" twice (columns ${seen.get(key)! + 1} and ${i + 1})`,
        'mapping',
      );
    seen.set(key, i);
  });
  const index: Record<string, number> = {};
  for (const m of given) {
    if (!known.has(m.field))
      throw new ValidationError(
        `Unknown field "${m.field}" for a ${kind.toLowerCase()} import; fields: ${[...known].join(', ')}`,
        'mapping',
      );
    const at = seen.get(normalizeHeader(m.column));
    if (at === undefined) throw new ValidationError(`The file has no column "${m.column}"`, 'mapping');
    index[m.field] = at;
  }
  const taken = new Set(Object.values(index));
  for (const spec of specs) {
    if (index[spec.field] !== undefined) continue;
    for (const h of spec.headers) {
      const at = seen.get(h);
      if (at !== undefined && !taken.has(at)) {
        index[spec.field] = at;
        taken.add(at);
        break;
      }
    }
  }
  if (kind === ImportKind.PROPERTIES) {
    const missing = ADDRESS.map((a) => a.field).filter((f) => index[f] === undefined);
    if (missing.length)
      throw new ValidationError(
        `A property import needs columns for ${missing.join(', ')}; map them with mapping: [{ column, field }]`,
        'mapping',
      );
  } else if (index.firstName === undefined && index.lastName === undefined && index.fullName === undefined) {
    throw new ValidationError(
      'A lead import needs a name column (firstName/lastName or fullName); map it with mapping: [{ column, field }]',
      'mapping',
    );
  }
  const byName = Object.fromEntries(Object.entries(index).map(([f, i]) => [f, header[i]!]));
  return { index, byName, unmapped: header.filter((_, i) => !taken.has(i)), width: header.length };
}

/** A value that failed validation, named by its column header. */
export class RowError extends Error {
  constructor(
    readonly column: string | null,
    message: string,
  ) {
    super(message);
  }
}

type Cells = (field: string) => string | undefined;

function cellsOf(values: string[], mapping: ResolvedMapping): Cells {
  return (field) => {
    const i = mapping.index[field];
    if (i === undefined) return undefined;
    const raw = values[i]?.trim();
    return raw === '' ? undefined : raw;
  };
}

/** Runs a validator; its failure becomes a RowError naming the column. */
function check<T>(mapping: ResolvedMapping, field: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ValidationError)
      throw new RowError(
        mapping.byName[field] ?? field,
        err.message.replace(/^\S+ /, `${mapping.byName[field] ?? field} `),
      );
    throw err;
  }
}

function num(s: string | undefined, field: string): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s.replace(/[$,\s]/g, ''));
  if (!Number.isFinite(n)) throw new ValidationError(`${field} is not a number ("${s}")`, field);
  return n;
}

const PROPERTY_TYPES: [RegExp, PropertyType][] = [
  [/^(sfr|single ?family|single family residen|sf|residential)/i, PropertyType.SINGLE_FAMILY],
  [/^(multi|duplex|triplex|quadruplex|fourplex|mfr|apartment)/i, PropertyType.MULTI_FAMILY],
  [/^condo/i, PropertyType.CONDO],
  [/^town/i, PropertyType.TOWNHOUSE],
  [/^(mobile|manufactured)/i, PropertyType.MOBILE],
  [/^(land|vacant|lot\b|agricultur)/i, PropertyType.LAND],
  [/^(commercial|retail|office|industrial|mixed)/i, PropertyType.COMMERCIAL],
];

function propertyType(s: string): PropertyType {
  const exact = s.toUpperCase().replace(/[\s-]+/g, '_');
  if ((Object.values(PropertyType) as string[]).includes(exact)) return exact as PropertyType;
  const hit = PROPERTY_TYPES.find(([re]) => re.test(s.trim()));
  if (!hit)
    throw new ValidationError(
      `propertyType "${s}" is not one of ${Object.values(PropertyType).join(', ')}`,
      'propertyType',
    );
  return hit[1];
}

function yesNo(s: string, field: string): boolean {
  if (/^(y|yes|true|1|t)$/i.test(s)) return true;
  if (/^(n|no|false|0|f)$/i.test(s)) return false;
  throw new ValidationError(`${field} must be yes or no ("${s}")`, field);
}

/** YYYY-MM-DD, M/D/YYYY or M/D/YY (two-digit years: 00–29 → 2000s). */
function date(s: string, field: string): string | undefined {
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/.exec(s);
  if (us) {
    const y = us[3]!.length === 2 ? (Number(us[3]) < 30 ? 2000 : 1900) + Number(us[3]) : Number(us[3]);
    s = `${y}-${us[1]!.padStart(2, '0')}-${us[2]!.padStart(2, '0')}`;
  }
  return v.isoDate(s, field);
}

/** Five-digit ZIP; spreadsheets drop the leading zero of New England ZIPs ("2134" → "02134"). */
function zip(s: string, field: string): string {
  return v.zip(/^\d{4}(-\d{4})?$/.test(s) ? `0${s}` : s, field);
}

export interface PropertyRow {
  address_line: string;
  city: string;
  state: string;
  zip: string;
  county: string | null;
  normalized_address: string;
  property_type: PropertyType;
  bedrooms: number | null;
  bathrooms: number | null;
  square_feet: number | null;
  lot_size_sqft: number | null;
  year_built: number | null;
  estimated_value: number | null;
  last_sale_date: string | null;
  last_sale_price: number | null;
  owner_name: string | null;
  owner_mailing_address: string | null;
  owner_occupied: boolean | null;
  tags: string[];
}

/** One CSV row → a property row, or a RowError naming the first bad column. */
export function toPropertyRow(values: string[], mapping: ResolvedMapping, extraTags: string[] = []): PropertyRow {
  const c = cellsOf(values, mapping);
  const req = (f: string) => check(mapping, f, () => v.requiredText(c(f), f, f === 'addressLine' ? 500 : 100));
  const addressLine = req('addressLine');
  const city = req('city');
  const state = check(mapping, 'state', () => v.usState(c('state') ?? '', 'state'));
  const zipCode = check(mapping, 'zip', () => zip(c('zip') ?? '', 'zip'));
  const int = (f: string, min: number, max: number) =>
    check(mapping, f, () => v.intRange(num(c(f), f), f, min, max) ?? null);
  const money = (f: string) => check(mapping, f, () => v.money(num(c(f), f), f) ?? null);
  const type = c('propertyType');
  const occupied = c('ownerOccupied');
  const sold = c('lastSaleDate');
  const tags = c('tags');
  return {
    address_line: addressLine,
    city,
    state,
    zip: zipCode,
    county: check(mapping, 'county', () => v.optionalText(c('county'), 'county', 100) ?? null),
    normalized_address: normalizeAddressKey(addressLine, zipCode),
    property_type: type ? check(mapping, 'propertyType', () => propertyType(type)) : PropertyType.SINGLE_FAMILY,
    bedrooms: int('bedrooms', 0, 500),
    bathrooms: check(
      mapping,
      'bathrooms',
      () => v.numberRange(num(c('bathrooms'), 'bathrooms'), 'bathrooms', 0, 500) ?? null,
    ),
    square_feet: int('squareFeet', 1, 10_000_000),
    lot_size_sqft: int('lotSizeSqft', 1, 2_000_000_000),
    year_built: int('yearBuilt', 1600, new Date().getUTCFullYear() + 5),
    estimated_value: money('estimatedValue'),
    last_sale_date: sold ? check(mapping, 'lastSaleDate', () => date(sold, 'lastSaleDate') ?? null) : null,
    last_sale_price: money('lastSalePrice'),
    owner_name: check(mapping, 'ownerName', () => v.optionalText(c('ownerName'), 'ownerName', 200) ?? null),
    owner_mailing_address: check(
      mapping,
      'ownerMailingAddress',
      () => v.optionalText(c('ownerMailingAddress'), 'ownerMailingAddress', 500) ?? null,
    ),
    owner_occupied: occupied ? check(mapping, 'ownerOccupied', () => yesNo(occupied, 'ownerOccupied')) : null,
    tags: check(
      mapping,
      'tags',
      () =>
        v.tags([...(tags ? tags.split(/[;|,]/) : []), ...extraTags].map((t) => t.trim()).filter(Boolean), 'tags') ?? [],
    ),
  };
}

export interface LeadRow {
  first_name: string;
  last_name: string;
  email: string | null;
  phone: string | null;
  source: LeadSource;
  status: LeadStatus;
  motivation: string | null;
  /** To link the lead to a property of the organization at this address, when there is one. */
  normalized_address: string | null;
  /** What the consent columns say, for the ledger (none when the row says nothing). */
  consent: ImportedConsent | null;
}

export interface ImportedConsent {
  status: ConsentStatus;
  channels: MessageChannel[];
  /** When it was given (the row's date), or null: the time of the import. */
  at: Date | null;
  source: string | null;
  evidence: string | null;
}

const CONSENT_YES = /^(y|yes|true|1|t|opted ?in|opt ?in|granted|given|consented|subscribed)$/i;
const CONSENT_NO = /^(n|no|false|0|f|opted ?out|opt ?out|revoked|declined|withdrawn|unsubscribed|dnc)$/i;

/** A row's consent columns: yes/no, channel (SMS, EMAIL, BOTH; default: those it has), date, source, evidence. */
function consentOf(
  c: Cells,
  mapping: ResolvedMapping,
  email: string | null,
  phone: string | null,
): ImportedConsent | null {
  const answer = c('consent');
  if (answer === undefined) return null;
  const status = check(mapping, 'consent', () => {
    if (CONSENT_YES.test(answer)) return ConsentStatus.OPTED_IN;
    if (CONSENT_NO.test(answer)) return ConsentStatus.OPTED_OUT;
    throw new ValidationError(`consent must say yes or no (opted in / opted out), not "${answer}"`, 'consent');
  });
  const named = c('consentChannel');
  const channels = named
    ? check(mapping, 'consentChannel', () => consentChannels(named))
    : [...(phone ? [MessageChannel.SMS] : []), ...(email ? [MessageChannel.EMAIL] : [])];
  for (const channel of channels)
    if (!(channel === MessageChannel.SMS ? phone : email))
      throw new RowError(
        mapping.byName.consentChannel ?? mapping.byName.consent!,
        `consent for ${channel} needs the row's ${channel === MessageChannel.SMS ? 'phone' : 'email'}`,
      );
  const when = c('consentDate');
  const at = when ? check(mapping, 'consentDate', () => consentDate(when)) : null;
  return {
    status,
    channels,
    at,
    source: check(mapping, 'consentSource', () => v.optionalText(c('consentSource'), 'consentSource', 100) ?? null),
    evidence: check(
      mapping,
      'consentEvidence',
      () => v.optionalText(c('consentEvidence'), 'consentEvidence', 2_000) ?? null,
    ),
  };
}

function consentChannels(s: string): MessageChannel[] {
  const t = s.trim().toUpperCase();
  if (/^(SMS|TEXT|TEXTS|MOBILE|PHONE|CELL)$/.test(t)) return [MessageChannel.SMS];
  if (/^(EMAIL|E-MAIL|MAIL)$/.test(t)) return [MessageChannel.EMAIL];
  if (/^(BOTH|ALL|SMS ?[+&/,] ?EMAIL|EMAIL ?[+&/,] ?SMS)$/.test(t)) return [MessageChannel.SMS, MessageChannel.EMAIL];
  throw new ValidationError(`consentChannel must be SMS, EMAIL or BOTH, not "${s}"`, 'consentChannel');
}

/** A date (as for sale dates) or an ISO time; never in the future. */
function consentDate(s: string): Date {
  const day = /^\d{4}-\d{2}-\d{2}$|^\d{1,2}\/\d{1,2}\/\d{2,4}$/.test(s) ? date(s, 'consentDate') : undefined;
  const at = day ? new Date(`${day}T12:00:00Z`) : new Date(s);
  if (Number.isNaN(at.getTime())) throw new ValidationError(`consentDate is not a date ("${s}")`, 'consentDate');
  if (at.getTime() > Date.now() + 86_400_000)
    throw new ValidationError(`consentDate is in the future ("${s}")`, 'consentDate');
  return at;
}

/** "Smith, John" → John Smith; "John Q Smith" → John Q / Smith. */
function splitName(full: string): { first?: string; last?: string } {
  const comma = /^([^,]+),\s*(.+)$/.exec(full);
  if (comma) return { first: comma[2]!.trim(), last: comma[1]!.trim() };
  const parts = full.trim().split(/\s+/);
  if (parts.length === 1) return { first: parts[0] };
  return { first: parts.slice(0, -1).join(' '), last: parts.at(-1) };
}

function enumValue<T extends string>(values: Record<string, T>, s: string, field: string): T {
  const key = s.toUpperCase().replace(/[\s-]+/g, '_');
  if (!(Object.values(values) as string[]).includes(key))
    throw new ValidationError(`${field} "${s}" is not one of ${Object.values(values).join(', ')}`, field);
  return key as T;
}

/** One CSV row → a lead row, or a RowError naming the first bad column. */
export function toLeadRow(values: string[], mapping: ResolvedMapping, defaultSource: LeadSource): LeadRow {
  const c = cellsOf(values, mapping);
  const split = c('fullName') ? splitName(c('fullName')!) : {};
  const nameField = (f: 'firstName' | 'lastName') => (mapping.index[f] !== undefined ? f : 'fullName');
  const first = c('firstName') ?? split.first;
  const last = c('lastName') ?? split.last;
  const email = c('email');
  const phone = c('phone');
  const source = c('source');
  const status = c('status');
  const line = c('addressLine');
  const zipCode = c('zip');
  let normalized: string | null = null;
  if (line && zipCode) {
    try {
      normalized = normalizeAddressKey(line, zip(zipCode, 'zip'));
    } catch {
      normalized = null; // an unusable address only means no property link
    }
  }
  if (c('fullName') && (!first || !last) && nameField(first ? 'lastName' : 'firstName') === 'fullName') {
    throw new RowError(
      mapping.byName.fullName!,
      `${mapping.byName.fullName} "${c('fullName')}" has no ${first ? 'last' : 'first'} name`,
    );
  }
  const emailValue = email ? check(mapping, 'email', () => v.email(email, 'email')) : null;
  const phoneValue = phone ? check(mapping, 'phone', () => v.phone(phone, 'phone')) : null;
  return {
    first_name: check(mapping, nameField('firstName'), () => v.requiredText(first, 'firstName', 100)),
    last_name: check(mapping, nameField('lastName'), () => v.requiredText(last, 'lastName', 100)),
    email: emailValue,
    phone: phoneValue,
    source: source ? check(mapping, 'source', () => enumValue(LeadSource, source, 'source')) : defaultSource,
    status: status ? check(mapping, 'status', () => enumValue(LeadStatus, status, 'status')) : LeadStatus.NEW,
    motivation: check(mapping, 'motivation', () => v.optionalText(c('motivation'), 'motivation', 5_000) ?? null),
    normalized_address: normalized,
    consent: consentOf(c, mapping, emailValue, phoneValue),
  };
}
