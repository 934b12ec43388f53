import type { EntityManager } from '@mikro-orm/postgresql';
import type { Import } from '../../../entities/index.js';
import { ImportIssueKind, LeadSource, MessageChannel } from '../../../entities/enums.js';
import type { AppDeps } from '../../platform/deps.js';
import {
  RowError,
  toLeadRow,
  toPropertyRow,
  type ImportedConsent,
  type LeadRow,
  type PropertyRow,
  type ResolvedMapping,
} from './fields.js';
import { scoreProperty } from '../underwriting/score.js';

/** A reported row: invalid, or a duplicate (of an earlier row or a stored record). */
export interface Issue {
  rowNumber: number;
  kind: ImportIssueKind;
  field: string | null;
  message: string;
  existingId: string | null;
  values: string[];
}

interface Pending<R> {
  rowNumber: number;
  values: string[];
  row: R;
}

export interface BatchContext {
  deps: AppDeps;
  em: EntityManager;
  imp: Import;
  mapping: ResolvedMapping;
  /** In-file duplicates: key → first row number. */
  seen: Map<string, number>;
  /** Work the next batch need not wait for (geocoding jobs). */
  later: (p: Promise<unknown>) => Promise<void>;
}

export type RawRow = { rowNumber: number; values: string[] };

/**
 * Properties: the batch's rows, its reported rows and the import's counters in one transaction.
 * Insert first: the unique index on (organization, normalized address) is the duplicate check, and
 * it costs an index probe per row whatever the table's statistics say. Only rows it refused need a
 * lookup, for the id of the property already there. New properties get geocoding jobs.
 */
export async function storeProperties(ctx: BatchContext, rows: RawRow[]): Promise<void> {
  const { imp, mapping, seen } = ctx;
  const { ok, issues } = validate(rows, mapping.width, (values) =>
    toPropertyRow(values, mapping, imp.options.tags ?? []),
  );
  const fresh: Pending<PropertyRow>[] = [];
  for (const p of ok) {
    const earlier = seen.get(p.row.normalized_address);
    if (earlier !== undefined) issues.push(duplicate(p, `Same address as row ${earlier}`, null));
    else {
      seen.set(p.row.normalized_address, p.rowNumber);
      fresh.push(p);
    }
  }
  let created: { id: string; normalized_address: string }[] = [];
  await ctx.em.transactional(async (tem) => {
    created = await insertProperties(tem, imp.organizationId, fresh);
    const made = new Set(created.map((c) => c.normalized_address));
    const refused = fresh.filter((p) => !made.has(p.row.normalized_address));
    const stored = await propertiesAt(
      tem,
      refused.map((p) => p.row.normalized_address),
    );
    for (const p of refused)
      issues.push(
        duplicate(p, 'A property at this address exists already', stored.get(p.row.normalized_address) ?? null),
      );
    await commitBatch(tem, imp, rows.length, created.length, issues);
  });
  // Not awaited here: the geocoding jobs go to Redis while the next batch goes to Postgres.
  if (created.length)
    await ctx.later(
      ctx.deps.queues.enqueueGeocodeBulk(
        created.map((c) => ({
          organizationId: imp.organizationId,
          propertyId: c.id,
          normalizedAddress: c.normalized_address,
        })),
      ),
    );
}

const PROPERTY_COLUMNS = `id, organization_id, created_at, updated_at, address_line, city, state, zip, county,
  normalized_address, property_type, bedrooms, bathrooms, square_feet, lot_size_sqft, year_built, estimated_value,
  last_sale_date, last_sale_price, owner_name, owner_mailing_address, owner_occupied, tags, score`;

async function insertProperties(
  tem: EntityManager,
  organizationId: string,
  fresh: Pending<PropertyRow>[],
): Promise<{ id: string; normalized_address: string }[]> {
  if (!fresh.length) return [];
  const now = new Date().toISOString();
  const rows = fresh.map((p) => ({
    id: crypto.randomUUID(),
    organization_id: organizationId,
    created_at: now,
    updated_at: now,
    ...p.row,
    score: scoreProperty({
      estimatedValue: p.row.estimated_value,
      lastSalePrice: p.row.last_sale_price,
      lastSaleDate: p.row.last_sale_date,
      ownerOccupied: p.row.owner_occupied,
      yearBuilt: p.row.year_built,
      tags: p.row.tags,
    }).value,
  }));
  return tem.execute(
    `insert into properties (${PROPERTY_COLUMNS})
     select ${PROPERTY_COLUMNS} from json_populate_recordset(null::properties, ?::json)
     on conflict do nothing
     returning id, normalized_address`,
    [JSON.stringify(rows)],
  );
}

/** Ids of the stored (not archived) properties at these normalized addresses. */
async function propertiesAt(tem: EntityManager, addresses: string[]): Promise<Map<string, string>> {
  if (!addresses.length) return new Map();
  const rows = await tem.execute<{ id: string; normalized_address: string }[]>(
    `select id, normalized_address from properties
      where archived_at is null and normalized_address = any(array(select jsonb_array_elements_text(?::jsonb)))`,
    [JSON.stringify(addresses)],
  );
  return new Map(rows.map((e) => [e.normalized_address, e.id]));
}

/**
 * Leads: duplicates by phone or email, against earlier rows of the file and stored leads; a lead is
 * linked to the stored property at its address. One transaction per batch, like properties.
 */
export async function storeLeads(ctx: BatchContext, rows: RawRow[]): Promise<void> {
  const { imp, mapping, seen } = ctx;
  const source = (imp.options.source as LeadSource | undefined) ?? LeadSource.LIST_IMPORT;
  const { ok, issues } = validate(rows, mapping.width, (values) => toLeadRow(values, mapping, source));
  const fresh: Pending<LeadRow>[] = [];
  for (const p of ok) {
    const keys = [p.row.phone && `p:${p.row.phone}`, p.row.email && `e:${p.row.email}`].filter((k): k is string => !!k);
    const earlier = keys.map((k) => seen.get(k)).find((r) => r !== undefined);
    if (earlier === undefined) {
      for (const k of keys) seen.set(k, p.rowNumber);
      fresh.push(p);
      continue;
    }
    const field = seen.get(keys[0]!) === earlier ? (p.row.phone ? 'phone' : 'email') : 'email';
    issues.push(duplicate(p, `Same ${field} as row ${earlier}`, null));
  }
  await ctx.em.transactional(async (tem) => {
    const [byPhone, byEmail] = await storedLeads(tem, fresh);
    const propertyFor = await propertiesAt(tem, fresh.map((p) => p.row.normalized_address).filter(Boolean) as string[]);
    const now = new Date().toISOString();
    const toInsert: Record<string, unknown>[] = [];
    const consents: Record<string, unknown>[] = [];
    for (const p of fresh) {
      const samePhone = p.row.phone ? byPhone.get(p.row.phone) : undefined;
      const same = samePhone ?? (p.row.email ? byEmail.get(p.row.email) : undefined);
      if (same) {
        issues.push(duplicate(p, `A lead with this ${samePhone ? 'phone' : 'email'} exists already`, same));
        continue;
      }
      const { normalized_address, consent, ...row } = p.row;
      const propertyId = normalized_address ? (propertyFor.get(normalized_address) ?? null) : null;
      toInsert.push({
        id: crypto.randomUUID(),
        organization_id: imp.organizationId,
        created_at: now,
        updated_at: now,
        ...row,
        property_id: propertyId,
      });
      if (consent) consents.push(...consentRecords(imp, p.rowNumber, p.row, consent, now));
    }
    await insertLeads(tem, toInsert);
    await insertConsent(tem, consents);
    await commitBatch(tem, imp, rows.length, toInsert.length, issues);
  });
}

/** Stored leads with any of the rows' phones or emails, by phone and by email. */
async function storedLeads(
  tem: EntityManager,
  fresh: Pending<LeadRow>[],
): Promise<[Map<string, string>, Map<string, string>]> {
  const phones = fresh.map((p) => p.row.phone).filter(Boolean);
  const emails = fresh.map((p) => p.row.email).filter(Boolean);
  if (!phones.length && !emails.length) return [new Map(), new Map()];
  const existing = await tem.execute<{ id: string; phone: string | null; email: string | null }[]>(
    `select id, phone, email from leads
      where phone = any(array(select jsonb_array_elements_text(?::jsonb)))
         or email = any(array(select jsonb_array_elements_text(?::jsonb)))`,
    [JSON.stringify(phones), JSON.stringify(emails)],
  );
  return [
    new Map(existing.filter((e) => e.phone).map((e) => [e.phone!, e.id])),
    new Map(existing.filter((e) => e.email).map((e) => [e.email!, e.id])),
  ];
}

const LEAD_COLUMNS = `id, organization_id, created_at, updated_at, first_name, last_name, email, phone, source, status,
  motivation, property_id`;

async function insertLeads(tem: EntityManager, rows: Record<string, unknown>[]): Promise<void> {
  if (!rows.length) return;
  await tem.execute(
    `insert into leads (${LEAD_COLUMNS})
     select ${LEAD_COLUMNS} from json_populate_recordset(null::leads, ?::json)`,
    [JSON.stringify(rows)],
  );
}

/**
 * The ledger entries a row's consent columns make: one per channel, appended (never overwriting),
 * recorded as given on the row's date, with the row's source and evidence or the import's.
 */
function consentRecords(
  imp: BatchContext['imp'],
  rowNumber: number,
  row: LeadRow,
  consent: ImportedConsent,
  now: string,
): Record<string, unknown>[] {
  return consent.channels.map((channel) => ({
    id: crypto.randomUUID(),
    organization_id: imp.organizationId,
    created_at: now,
    updated_at: now,
    channel,
    contact_point: channel === MessageChannel.SMS ? row.phone : row.email,
    status: consent.status,
    source: (consent.source ?? 'LIST_IMPORT').toUpperCase(),
    evidence: consent.evidence ?? `Import of ${imp.fileName}, row ${rowNumber}`,
    recorded_at: consent.at?.toISOString() ?? now,
    recorded_by_id: imp.createdById ?? null,
  }));
}

const CONSENT_COLUMNS = `id, organization_id, created_at, updated_at, channel, contact_point, status, source, evidence,
  recorded_at, recorded_by_id`;

async function insertConsent(tem: EntityManager, rows: Record<string, unknown>[]): Promise<void> {
  if (!rows.length) return;
  await tem.execute(
    `insert into consent_records (${CONSENT_COLUMNS})
     select ${CONSENT_COLUMNS} from json_populate_recordset(null::consent_records, ?::json)`,
    [JSON.stringify(rows)],
  );
}

/** Splits a batch into valid rows and reported ones (wrong field count, failed validation). */
function validate<R>(
  rows: RawRow[],
  header: number,
  convert: (values: string[]) => R,
): { ok: Pending<R>[]; issues: Issue[] } {
  const ok: Pending<R>[] = [];
  const issues: Issue[] = [];
  for (const { rowNumber, values } of rows) {
    if (values.length !== header && !(values.length > header && values.slice(header).every((v) => v.trim() === ''))) {
      const message = `The row has ${values.length} fields; the header has ${header}`;
      issues.push({ rowNumber, kind: ImportIssueKind.INVALID, field: null, message, existingId: null, values });
      continue;
    }
    try {
      ok.push({ rowNumber, values, row: convert(values) });
    } catch (err) {
      if (!(err instanceof RowError)) throw err;
      issues.push({
        rowNumber,
        kind: ImportIssueKind.INVALID,
        field: err.column,
        message: err.message,
        existingId: null,
        values,
      });
    }
  }
  return { ok, issues };
}

function duplicate(p: Pending<unknown>, message: string, existingId: string | null): Issue {
  return {
    rowNumber: p.rowNumber,
    kind: ImportIssueKind.DUPLICATE,
    field: null,
    message,
    existingId,
    values: p.values,
  };
}

const ISSUE_COLUMNS = `id, organization_id, created_at, updated_at, import_id, row_number, kind, field, message,
  existing_id, "values"`;

/** The batch's reported rows and the import's counters, in the batch's transaction. */
async function commitBatch(
  tem: EntityManager,
  imp: Import,
  rows: number,
  imported: number,
  issues: Issue[],
): Promise<void> {
  if (issues.length) {
    const now = new Date().toISOString();
    const records = issues.map((i) => ({
      id: crypto.randomUUID(),
      organization_id: imp.organizationId,
      created_at: now,
      updated_at: now,
      import_id: imp.id,
      row_number: i.rowNumber,
      kind: i.kind,
      field: i.field,
      message: i.message,
      existing_id: i.existingId,
      values: i.values,
    }));
    await tem.execute(
      `insert into import_issues (${ISSUE_COLUMNS})
       select ${ISSUE_COLUMNS} from json_populate_recordset(null::import_issues, ?::json)`,
      [JSON.stringify(records)],
    );
  }
  const duplicates = issues.filter((i) => i.kind === ImportIssueKind.DUPLICATE).length;
  await tem.execute(
    `update imports set rows_total = rows_total + ?, rows_imported = rows_imported + ?,
            rows_duplicate = rows_duplicate + ?, rows_invalid = rows_invalid + ?, updated_at = now()
      where id = ?`,
    [rows, imported, duplicates, issues.length - duplicates, imp.id],
  );
  imp.rowsTotal += rows;
  imp.rowsImported += imported;
  imp.rowsDuplicate += duplicates;
  imp.rowsInvalid += issues.length - duplicates;
}
