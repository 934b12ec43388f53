import type { Job } from 'bullmq';
import type { EntityManager } from '@mikro-orm/postgresql';
import { stringify } from 'csv-stringify';
import { Import, ImportIssue } from '../entities/index.js';
import { ImportIssueKind, ImportKind, ImportStatus, LeadSource } from '../entities/enums.js';
import { CsvFileError, guessDelimiter, readCsv } from '../src/domains/imports/csv.js';
import {
  resolveMapping,
  RowError,
  toLeadRow,
  toPropertyRow,
  type LeadRow,
  type PropertyRow,
  type ResolvedMapping,
} from '../src/domains/imports/fields.js';
import type { ImportCsvJob } from '../src/platform/jobs/queues.js';
import type { AppDeps } from '../src/domains/scope.js';
import { ObjectStorage } from '../src/platform/storage/ObjectStorage.js';
import { forkForTenant, runAsTenant } from '../src/platform/tenancy/tenant-em.js';

export type { ImportCsvJob };

/** After the last attempt: the import is FAILED with the job's error (what was committed stays). */
export async function markImportFailed(deps: AppDeps, data: ImportCsvJob, error: string): Promise<void> {
  await runAsTenant(data.organizationId, () =>
    forkForTenant(deps.orm, data.organizationId).nativeUpdate(
      Import,
      { id: data.importId, status: { $in: [ImportStatus.QUEUED, ImportStatus.RUNNING] } },
      { status: ImportStatus.FAILED, error: `The import stopped: ${error.slice(0, 300)}`, completedAt: new Date() },
    ),
  );
}

const BATCH = 1_000;

interface Issue {
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

/**
 * The `import` job: streams the CSV from object storage, validates each row, and stores the good
 * ones in batches of 1,000. Each batch — its rows, its reported rows (import_issues) and the
 * import's counters — is one transaction, so `rowsTotal` is an exact checkpoint: a retried job
 * (worker killed, database blip) skips what was committed and nothing is stored twice.
 * Duplicates are found against stored records (properties: normalized address; leads: phone or
 * email) and earlier rows of the file. At the end the reported rows are written to a CSV next to
 * the upload (`errorReportUrl`). New properties get geocoding jobs. Progress (0–100, the share of
 * the file stored) goes to jobProgress.
 */
export function importCsvProcessor(deps: AppDeps) {
  return (job: Job<ImportCsvJob>) =>
    runAsTenant(job.data.organizationId, async () => {
      const em = forkForTenant(deps.orm, job.data.organizationId);
      const imp = await em.findOne(Import, { id: job.data.importId });
      if (!imp) return { status: 'GONE' };
      if (imp.status === ImportStatus.COMPLETED || imp.status === ImportStatus.FAILED) return summary(imp);
      await em.nativeUpdate(
        Import,
        { id: imp.id },
        { status: ImportStatus.RUNNING, startedAt: imp.startedAt ?? new Date() },
      );
      try {
        await run(deps, em, imp, job);
      } catch (err) {
        if (!(err instanceof CsvFileError)) throw err; // retried; the checkpoint keeps it exact
        await em.refresh(imp);
        imp.error = err.message;
        imp.status = ImportStatus.FAILED;
      }
      imp.errorReportKey = await writeReport(deps, em, imp);
      if (imp.status !== ImportStatus.FAILED) imp.status = ImportStatus.COMPLETED;
      imp.completedAt = new Date();
      await em.nativeUpdate(Import, { id: imp.id }, {
        status: imp.status,
        error: imp.error ?? null,
        errorReportKey: imp.errorReportKey ?? null,
        completedAt: imp.completedAt,
      } as never);
      await job.updateProgress(100);
      return summary(imp);
    });
}

function summary(imp: Import) {
  return {
    status: imp.status,
    rowsTotal: imp.rowsTotal,
    rowsImported: imp.rowsImported,
    rowsDuplicate: imp.rowsDuplicate,
    rowsInvalid: imp.rowsInvalid,
    error: imp.error ?? null,
  };
}

async function run(deps: AppDeps, em: EntityManager, imp: Import, job: Job<ImportCsvJob>): Promise<void> {
  const first = await deps.storage.head(imp.fileKey, 4_096);
  const reader = readCsv(await deps.storage.get(imp.fileKey), guessDelimiter(first));
  const resumeAfter = imp.rowsTotal; // rows committed by an earlier attempt
  const given = Object.entries(imp.mapping).map(([field, column]) => ({ field, column }));
  let mapping: ResolvedMapping | null = null;
  let rowNumber = 1;
  let batch: { rowNumber: number; values: string[] }[] = [];
  const seen = new Map<string, number>(); // in-file duplicates: key → first row number
  let lastProgress = 0;
  // Work a batch started that the next batch need not wait for (geocoding jobs); at most two in flight.
  const pending: Promise<unknown>[] = [];
  const later = async (p: Promise<unknown>) => {
    p.catch(() => undefined); // awaited below; this only keeps an early rejection from going unhandled
    pending.push(p);
    if (pending.length > 2) await pending.shift();
  };
  const flush = async () => {
    if (!batch.length) return;
    const rows = batch;
    batch = [];
    await (imp.kind === ImportKind.PROPERTIES ? storeProperties : storeLeads)(
      deps,
      em,
      imp,
      mapping!,
      rows,
      seen,
      later,
    );
    // The parser reads ahead of what is stored: place the last stored row by the average row size so far.
    const storedShare = (rowNumber - 1) / Math.max(1, reader.recordsRead() - 1);
    const progress = Math.min(99, Math.floor(storedShare * (reader.bytesRead() / Math.max(1, imp.fileBytes)) * 100));
    if (progress > lastProgress) {
      lastProgress = progress;
      await job.updateProgress(progress);
    }
  };
  try {
    for await (const values of reader.records) {
      if (!mapping) {
        try {
          mapping = resolveMapping(imp.kind, values, given);
        } catch (err) {
          throw new CsvFileError((err as Error).message);
        }
        if (resumeAfter === 0) {
          await em.nativeUpdate(
            Import,
            { id: imp.id },
            { columns: values, unmappedColumns: mapping.unmapped, mapping: mapping.byName },
          );
        }
        continue;
      }
      rowNumber++;
      if (rowNumber - 1 <= resumeAfter) continue;
      batch.push({ rowNumber, values });
      if (batch.length >= BATCH) await flush();
    }
  } catch (err) {
    // The rows read before the file went wrong are stored; the import then ends FAILED.
    if (err instanceof CsvFileError && mapping) await flush();
    await Promise.all(pending);
    throw err;
  }
  if (!mapping) throw new CsvFileError('The file is empty: it has no header row');
  await flush();
  await Promise.all(pending);
}

function rowIssue(rowNumber: number, values: string[], err: unknown): Issue {
  if (err instanceof RowError)
    return {
      rowNumber,
      kind: ImportIssueKind.INVALID,
      field: err.column,
      message: err.message,
      existingId: null,
      values,
    };
  throw err;
}

/** Splits a batch into valid rows and reported ones (wrong field count, failed validation). */
function validate<R>(
  rows: { rowNumber: number; values: string[] }[],
  mapping: ResolvedMapping,
  header: number,
  convert: (values: string[]) => R,
): { ok: Pending<R>[]; issues: Issue[] } {
  const ok: Pending<R>[] = [];
  const issues: Issue[] = [];
  for (const { rowNumber, values } of rows) {
    if (values.length !== header && !(values.length > header && values.slice(header).every((v) => v.trim() === ''))) {
      issues.push({
        rowNumber,
        kind: ImportIssueKind.INVALID,
        field: null,
        message: `The row has ${values.length} fields; the header has ${header}`,
        existingId: null,
        values,
      });
      continue;
    }
    try {
      ok.push({ rowNumber, values, row: convert(values) });
    } catch (err) {
      issues.push(rowIssue(rowNumber, values, err));
    }
  }
  return { ok, issues };
}

type Store = (
  deps: AppDeps,
  em: EntityManager,
  imp: Import,
  mapping: ResolvedMapping,
  rows: { rowNumber: number; values: string[] }[],
  seen: Map<string, number>,
  later: (p: Promise<unknown>) => Promise<void>,
) => Promise<void>;

const storeProperties: Store = async (deps, em, imp, mapping, rows, seen, later) => {
  const header = mapping.width;
  const { ok, issues } = validate(rows, mapping, header, (values) =>
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
  const now = new Date().toISOString();
  let created: { id: string; normalized_address: string }[] = [];
  await em.transactional(async (tem) => {
    // Insert first: the unique index on (organization, normalized address) is the duplicate check,
    // and it costs an index probe per row whatever the table's statistics say. Only rows it
    // refused need a lookup, for the id of the property already there.
    created = fresh.length
      ? await tem.execute<{ id: string; normalized_address: string }[]>(
          `insert into properties (id, organization_id, created_at, updated_at, address_line, city, state, zip, county, normalized_address, property_type,
                                   bedrooms, bathrooms, square_feet, lot_size_sqft, year_built, estimated_value, last_sale_date, last_sale_price,
                                   owner_name, owner_mailing_address, owner_occupied, tags)
           select id, organization_id, created_at, updated_at, address_line, city, state, zip, county, normalized_address, property_type,
                  bedrooms, bathrooms, square_feet, lot_size_sqft, year_built, estimated_value, last_sale_date, last_sale_price,
                  owner_name, owner_mailing_address, owner_occupied, tags
             from json_populate_recordset(null::properties, ?::json)
           on conflict do nothing
           returning id, normalized_address`,
          [
            JSON.stringify(
              fresh.map((p) => ({
                id: crypto.randomUUID(),
                organization_id: imp.organizationId,
                created_at: now,
                updated_at: now,
                ...p.row,
              })),
            ),
          ],
        )
      : [];
    const made = new Set(created.map((c) => c.normalized_address));
    const refused = fresh.filter((p) => !made.has(p.row.normalized_address));
    const existing = refused.length
      ? await tem.execute<{ id: string; normalized_address: string }[]>(
          'select id, normalized_address from properties where archived_at is null and normalized_address = any(array(select jsonb_array_elements_text(?::jsonb)))',
          [JSON.stringify(refused.map((p) => p.row.normalized_address))],
        )
      : [];
    const stored = new Map(existing.map((e) => [e.normalized_address, e.id]));
    for (const p of refused)
      issues.push(
        duplicate(p, 'A property at this address exists already', stored.get(p.row.normalized_address) ?? null),
      );
    await commitBatch(tem, imp, rows.length, created.length, issues);
  });
  // Not awaited here: the geocoding jobs go to Redis while the next batch goes to Postgres.
  if (created.length) {
    await later(
      deps.queues.enqueueGeocodeBulk(
        created.map((c) => ({
          organizationId: imp.organizationId,
          propertyId: c.id,
          normalizedAddress: c.normalized_address,
        })),
      ),
    );
  }
};

const storeLeads: Store = async (_deps, em, imp, mapping, rows, seen) => {
  const header = mapping.width;
  const source = (imp.options.source as LeadSource | undefined) ?? LeadSource.LIST_IMPORT;
  const { ok, issues } = validate(rows, mapping, header, (values) => toLeadRow(values, mapping, source));
  const fresh: Pending<LeadRow>[] = [];
  for (const p of ok) {
    const keys = [p.row.phone && `p:${p.row.phone}`, p.row.email && `e:${p.row.email}`].filter((k): k is string => !!k);
    const earlier = keys.map((k) => seen.get(k)).find((r) => r !== undefined);
    if (earlier !== undefined) {
      issues.push(
        duplicate(
          p,
          `Same ${seen.get(keys[0]!) === earlier ? (p.row.phone ? 'phone' : 'email') : 'email'} as row ${earlier}`,
          null,
        ),
      );
      continue;
    }
    for (const k of keys) seen.set(k, p.rowNumber);
    fresh.push(p);
  }
  let imported = 0;
  await em.transactional(async (tem) => {
    const phones = fresh.map((p) => p.row.phone).filter(Boolean);
    const emails = fresh.map((p) => p.row.email).filter(Boolean);
    const addresses = fresh.map((p) => p.row.normalized_address).filter(Boolean);
    const [existing, properties] = await Promise.all([
      phones.length || emails.length
        ? tem.execute<{ id: string; phone: string | null; email: string | null }[]>(
            `select id, phone, email from leads
              where phone = any(array(select jsonb_array_elements_text(?::jsonb))) or email = any(array(select jsonb_array_elements_text(?::jsonb)))`,
            [JSON.stringify(phones), JSON.stringify(emails)],
          )
        : [],
      addresses.length
        ? tem.execute<{ id: string; normalized_address: string }[]>(
            'select id, normalized_address from properties where archived_at is null and normalized_address = any(array(select jsonb_array_elements_text(?::jsonb)))',
            [JSON.stringify(addresses)],
          )
        : [],
    ]);
    const byPhone = new Map(existing.filter((e) => e.phone).map((e) => [e.phone!, e.id]));
    const byEmail = new Map(existing.filter((e) => e.email).map((e) => [e.email!, e.id]));
    const propertyFor = new Map(properties.map((p) => [p.normalized_address, p.id]));
    const now = new Date().toISOString();
    const toInsert: Record<string, unknown>[] = [];
    for (const p of fresh) {
      const same = (p.row.phone && byPhone.get(p.row.phone)) || (p.row.email && byEmail.get(p.row.email));
      if (same) {
        issues.push(
          duplicate(
            p,
            `A lead with this ${p.row.phone && byPhone.get(p.row.phone) ? 'phone' : 'email'} exists already`,
            same,
          ),
        );
        continue;
      }
      const { normalized_address, ...row } = p.row;
      toInsert.push({
        id: crypto.randomUUID(),
        organization_id: imp.organizationId,
        created_at: now,
        updated_at: now,
        ...row,
        property_id: normalized_address ? (propertyFor.get(normalized_address) ?? null) : null,
      });
    }
    if (toInsert.length) {
      await tem.execute(
        `insert into leads (id, organization_id, created_at, updated_at, first_name, last_name, email, phone, source, status, motivation, property_id)
         select id, organization_id, created_at, updated_at, first_name, last_name, email, phone, source, status, motivation, property_id
           from json_populate_recordset(null::leads, ?::json)`,
        [JSON.stringify(toInsert)],
      );
    }
    imported = toInsert.length;
    await commitBatch(tem, imp, rows.length, imported, issues);
  });
};

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
    await tem.execute(
      `insert into import_issues (id, organization_id, created_at, updated_at, import_id, row_number, kind, field, message, existing_id, "values")
       select id, organization_id, created_at, updated_at, import_id, row_number, kind, field, message, existing_id, "values"
         from json_populate_recordset(null::import_issues, ?::json)`,
      [
        JSON.stringify(
          issues.map((i) => ({
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
          })),
        ),
      ],
    );
  }
  const duplicates = issues.filter((i) => i.kind === ImportIssueKind.DUPLICATE).length;
  await tem.execute(
    'update imports set rows_total = rows_total + ?, rows_imported = rows_imported + ?, rows_duplicate = rows_duplicate + ?, rows_invalid = rows_invalid + ?, updated_at = now() where id = ?',
    [rows, imported, duplicates, issues.length - duplicates, imp.id],
  );
  imp.rowsTotal += rows;
  imp.rowsImported += imported;
  imp.rowsDuplicate += duplicates;
  imp.rowsInvalid += issues.length - duplicates;
}

/** Every reported row as CSV — row number, problem, column, existing record, then the row as it was — under the import's folder. */
async function writeReport(deps: AppDeps, em: EntityManager, imp: Import): Promise<string | undefined> {
  const total = await em.count(ImportIssue, { importId: imp.id });
  if (!total) return undefined;
  await em.refresh(imp);
  const key = ObjectStorage.key(imp.organizationId, 'imports', imp.id, 'report.csv');
  const rows: unknown[][] = [];
  let after = 0;
  for (;;) {
    const page = await em.find(
      ImportIssue,
      { importId: imp.id, rowNumber: { $gt: after } },
      { orderBy: { rowNumber: 'asc' }, limit: 5_000, disableIdentityMap: true },
    );
    for (const i of page) rows.push([i.rowNumber, i.kind, i.message, i.field ?? '', i.existingId ?? '', ...i.values]);
    if (page.length < 5_000) break;
    after = page.at(-1)!.rowNumber;
  }
  const csv = await new Promise<string>((resolve, reject) =>
    stringify(
      rows,
      { header: true, columns: ['row', 'problem', 'message', 'column', 'existing_id', ...imp.columns] },
      (err, out) => (err ? reject(err) : resolve(out)),
    ),
  );
  // Sized upload: the report is at most a few MB (reported rows only).
  await deps.storage.put(key, Buffer.from(csv, 'utf8'), 'text/csv; charset=utf-8');
  return key;
}
