import { Readable } from 'node:stream';
import { Import, ImportIssue } from '../../../entities/index.js';
import { ImportIssueKind, ImportKind, LeadSource } from '../../../entities/enums.js';
import { ValidationError } from '../../platform/errors/index.js';
import { CsvFileError, guessDelimiter, readCsv } from './csv.js';
import { FIELDS, resolveMapping } from './fields.js';
import { ObjectStorage } from '../../platform/storage/ObjectStorage.js';
import * as v from '../../platform/validate.js';
import { findOrNotFound, requireActor, type ServiceScope } from '../scope.js';

/** Inline CSV (the `csv` argument) is for small files; bigger ones go through createUploadUrl. */
export const INLINE_MAX_BYTES = 512 * 1024;
const UPLOAD_URL_TTL_SECONDS = 15 * 60;

export interface ImportInput {
  uploadId?: string | null;
  csv?: string | null;
  fileName?: string | null;
  mapping?: { column: string; field: string }[] | null;
  /** Leads: source of rows without a source column (default LIST_IMPORT). */
  source?: LeadSource | null;
  /** Properties: tags added to every imported property. */
  tags?: string[] | null;
}

/**
 * CSV imports. `createUploadUrl` hands out a presigned PUT for `orgs/<org>/uploads/<uploadId>.csv`;
 * `start` checks the file (there, not too big, a readable header the mapping fits) and enqueues the
 * `import` job (workers/import-csv.ts). Whatever fails here changes nothing.
 */
export class ImportService {
  constructor(private readonly scope: ServiceScope) {}

  async createUploadUrl(): Promise<{ uploadId: string; url: string; expiresAt: Date; maxBytes: number }> {
    const actor = requireActor(this.scope);
    const uploadId = crypto.randomUUID();
    const url = await this.scope.deps.storage.presignedPut(
      uploadKey(actor.organizationId, uploadId),
      UPLOAD_URL_TTL_SECONDS,
    );
    return {
      uploadId,
      url,
      expiresAt: new Date(Date.now() + UPLOAD_URL_TTL_SECONDS * 1000),
      maxBytes: this.scope.deps.config.importMaxBytes,
    };
  }

  async start(kind: ImportKind, input: ImportInput): Promise<Import> {
    const actor = requireActor(this.scope);
    const { storage } = this.scope.deps;
    if (!!input.uploadId === (input.csv != null))
      throw new ValidationError(
        'Give either uploadId (from createUploadUrl) or csv (inline, up to 512 KB)',
        'input.uploadId',
      );
    const mapping = checkedMapping(kind, input.mapping ?? []);
    const options: Import['options'] = {};
    if (kind === ImportKind.LEADS && input.source) options.source = input.source;
    if (kind === ImportKind.PROPERTIES && input.tags?.length) options.tags = v.tags(input.tags, 'input.tags');
    const file = await this.locateFile(kind, input, actor.organizationId);
    if ('already' in file) return file.already; // the same upload imported again (a retried mutation): one import
    const { key, bytes } = file;
    const head =
      input.csv != null ? Buffer.from(input.csv, 'utf8').subarray(0, 65_536) : await storage.head(key, 65_536);
    const resolved = await checkHeader(kind, head, mapping, input.uploadId ? 'input.uploadId' : 'input.csv');
    if (input.csv != null) await storage.put(key, Buffer.from(input.csv, 'utf8'), 'text/csv; charset=utf-8');

    const imp = this.scope.em.create(Import, {
      kind,
      fileName:
        v.optionalText(input.fileName, 'input.fileName', 255) ?? (input.csv != null ? 'inline.csv' : 'upload.csv'),
      fileKey: key,
      fileBytes: bytes,
      mapping: Object.fromEntries(mapping.map((m) => [m.field, m.column])),
      options,
      columns: resolved.columns,
      unmappedColumns: resolved.unmapped,
      createdById: actor.id,
    });
    await this.scope.em.flush();
    await this.scope.deps.queues.enqueueImport({ organizationId: actor.organizationId, importId: imp.id });
    return imp;
  }

  /**
   * Where the file is and how big: an upload that must be there (and not imported as another kind
   * already), or inline CSV that gets a key of its own. Refuses empty and oversized files.
   */
  private async locateFile(
    kind: ImportKind,
    input: ImportInput,
    organizationId: string,
  ): Promise<{ key: string; bytes: number } | { already: Import }> {
    const { storage, config } = this.scope.deps;
    const field = input.uploadId ? 'input.uploadId' : 'input.csv';
    let key: string;
    let bytes: number | null;
    if (input.uploadId) {
      key = uploadKey(organizationId, v.uuid(input.uploadId, 'input.uploadId'));
      const already = await this.scope.em.findOne(Import, { fileKey: key });
      if (already?.kind === kind) return { already };
      if (already)
        throw new ValidationError(
          `This upload was imported as ${already.kind.toLowerCase()} already (import ${already.id})`,
          field,
        );
      bytes = await storage.size(key);
      if (bytes === null)
        throw new ValidationError(
          'Nothing was uploaded for this uploadId: PUT the file to the URL from createUploadUrl first',
          field,
        );
    } else {
      bytes = Buffer.byteLength(input.csv!, 'utf8');
      if (bytes > INLINE_MAX_BYTES)
        throw new ValidationError(
          `Inline CSV is at most ${INLINE_MAX_BYTES / 1024} KB; upload bigger files with createUploadUrl`,
          field,
        );
      key = uploadKey(organizationId, crypto.randomUUID());
    }
    if (bytes === 0) throw new ValidationError('The file is empty', field);
    const mb = (n: number, digits: number) => (n / 1024 / 1024).toFixed(digits);
    if (bytes > config.importMaxBytes)
      throw new ValidationError(
        `The file is ${mb(bytes, 1)} MB; an import takes at most ${mb(config.importMaxBytes, 0)} MB — split it`,
        'input.uploadId',
      );
    return { key, bytes };
  }

  get(id: string): Promise<Import> {
    return findOrNotFound(this.scope.em, Import, id, 'Import');
  }

  list(first?: number | null): Promise<Import[]> {
    return this.scope.em.find(
      Import,
      {},
      { orderBy: { createdAt: 'desc', id: 'desc' }, limit: v.intRange(first, 'first', 1, 100) ?? 20 },
    );
  }

  /** Reported rows in file order, after row `afterRow`. */
  issues(
    imp: Import,
    args: { kind?: ImportIssueKind | null; first?: number | null; afterRow?: number | null },
  ): Promise<ImportIssue[]> {
    return this.scope.em.find(
      ImportIssue,
      { importId: imp.id, rowNumber: { $gt: args.afterRow ?? 0 }, ...(args.kind ? { kind: args.kind } : {}) },
      { orderBy: { rowNumber: 'asc' }, limit: v.intRange(args.first, 'first', 1, 1_000) ?? 100 },
    );
  }

  /** A presigned link to the CSV of reported rows, once the import has finished; null when there were none. */
  async reportUrl(imp: Import): Promise<string | null> {
    if (!imp.errorReportKey) return null;
    return this.scope.deps.storage.presignedGet(imp.errorReportKey, this.scope.deps.config.memoDownloadTtlSeconds);
  }
}

export function uploadKey(organizationId: string, uploadId: string): string {
  return ObjectStorage.key(organizationId, 'uploads', `${uploadId}.csv`);
}

/**
 * Reads the header row from the first bytes and fits the mapping to it, so a wrong file or mapping fails the mutation.
 */
async function checkHeader(
  kind: ImportKind,
  head: Buffer,
  mapping: { column: string; field: string }[],
  fileField: string,
): Promise<{ columns: string[]; unmapped: string[] }> {
  // A cut-off head ends at its last line break, so neither a character nor a record is split.
  const whole = head.length < 65_536 ? head : head.subarray(0, head.lastIndexOf(0x0a) + 1);
  const reader = readCsv(Readable.from([whole]), guessDelimiter(whole));
  let header: string[] | null = null;
  try {
    for await (const record of reader.records) {
      header = record;
      break;
    }
  } catch (err) {
    // The head may end mid-record or mid-character; only a problem in the header line itself counts.
    if (!(err instanceof CsvFileError) || head.length < 65_536)
      throw new ValidationError(
        err instanceof CsvFileError ? err.message : 'The file could not be read as CSV',
        fileField,
      );
  }
  if (!header) throw new ValidationError('The file has no header row', fileField);
  const resolved = resolveMapping(kind, header, mapping);
  return { columns: header, unmapped: resolved.unmapped };
}

/** The column → field mapping, each field one this kind of import knows. */
function checkedMapping(kind: ImportKind, given: { column: string; field: string }[]) {
  const mapping = given.map((m, i) => ({
    column: v.requiredText(m.column, `input.mapping[${i}].column`, 200),
    field: m.field,
  }));
  const fields = new Set(FIELDS[kind].map((f) => f.field));
  mapping.forEach((m, i) => {
    if (!fields.has(m.field))
      throw new ValidationError(
        `Unknown field "${m.field}" for a ${kind.toLowerCase()} import; fields: ${[...fields].join(', ')}`,
        `input.mapping[${i}].field`,
      );
  });
  return mapping;
}
