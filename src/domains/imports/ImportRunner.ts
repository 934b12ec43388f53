import { stringify } from 'csv-stringify';
import { Import, ImportIssue } from '../../../entities/index.js';
import { ImportKind, ImportStatus, NotificationKind } from '../../../entities/enums.js';
import type { JobRun } from '../../platform/jobs/job-run.js';
import type { ImportCsvJob } from '../../platform/jobs/queues.js';
import { ObjectStorage } from '../../platform/storage/ObjectStorage.js';
import { NotificationService } from '../notifications/NotificationService.js';
import type { ServiceScope } from '../scope.js';
import { CsvFileError, guessDelimiter, readCsv } from './csv.js';
import { resolveMapping, type ResolvedMapping } from './fields.js';
import { storeLeads, storeProperties, type BatchContext, type RawRow } from './import-store.js';

const BATCH = 1_000;

export interface ImportSummary {
  status: ImportStatus | 'GONE';
  rowsTotal?: number;
  rowsImported?: number;
  rowsDuplicate?: number;
  rowsInvalid?: number;
  error?: string | null;
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
export class ImportRunner {
  constructor(private readonly scope: ServiceScope) {}

  async run(job: JobRun<ImportCsvJob>): Promise<ImportSummary> {
    const { em } = this.scope;
    const imp = await em.findOne(Import, { id: job.data.importId });
    if (!imp) return { status: 'GONE' };
    // A replay of an import that gave up (replayJob) resumes it from its checkpoint.
    if (imp.status === ImportStatus.FAILED && job.replay) {
      await em.nativeUpdate(Import, { id: imp.id }, { status: ImportStatus.RUNNING, error: null, completedAt: null });
      imp.status = ImportStatus.RUNNING;
      imp.error = undefined;
    }
    if (imp.status === ImportStatus.COMPLETED || imp.status === ImportStatus.FAILED) return summary(imp);
    await em.nativeUpdate(
      Import,
      { id: imp.id },
      { status: ImportStatus.RUNNING, startedAt: imp.startedAt ?? new Date() },
    );
    try {
      await this.readFile(imp, job);
    } catch (err) {
      if (!(err instanceof CsvFileError)) throw err; // retried; the checkpoint keeps it exact
      await em.refresh(imp);
      imp.error = err.message;
      imp.status = ImportStatus.FAILED;
    }
    imp.errorReportKey = await this.writeReport(imp);
    if (imp.status !== ImportStatus.FAILED) imp.status = ImportStatus.COMPLETED;
    imp.completedAt = new Date();
    await em.nativeUpdate(Import, { id: imp.id }, {
      status: imp.status,
      error: imp.error ?? null,
      errorReportKey: imp.errorReportKey ?? null,
      completedAt: imp.completedAt,
    } as never);
    await job.progress(100);
    await this.notifyStarter(imp);
    return summary(imp);
  }

  /** JOB_FINISHED to whoever started the import (once per import: a repeated job finds it finished). */
  private async notifyStarter(imp: Import): Promise<void> {
    if (!imp.createdById) return;
    const counts = await this.scope.em.findOneOrFail(
      Import,
      { id: imp.id },
      {
        fields: ['rowsImported', 'rowsInvalid', 'rowsDuplicate'] as never,
        disableIdentityMap: true,
      },
    );
    await new NotificationService(this.scope).notify({
      userId: imp.createdById,
      kind: NotificationKind.JOB_FINISHED,
      title:
        imp.status === ImportStatus.FAILED
          ? `Import of ${imp.fileName} stopped: ${imp.error ?? 'the file could not be read on'}`
          : `Import of ${imp.fileName} finished: ${counts.rowsImported} imported, ` +
            `${counts.rowsInvalid} invalid, ${counts.rowsDuplicate} duplicate`,
      dedupeKey: `import-done:${imp.id}`,
    });
  }

  /** After the last attempt: the import is FAILED with the job's error (what was committed stays). */
  async gaveUp(data: ImportCsvJob, error: string): Promise<void> {
    await this.scope.em.nativeUpdate(
      Import,
      { id: data.importId, status: { $in: [ImportStatus.QUEUED, ImportStatus.RUNNING] } },
      { status: ImportStatus.FAILED, error: `The import stopped: ${error.slice(0, 300)}`, completedAt: new Date() },
    );
  }

  /** Reads the file after the checkpoint and stores it batch by batch. */
  private async readFile(imp: Import, job: JobRun<ImportCsvJob>): Promise<void> {
    const { storage } = this.scope.deps;
    const first = await storage.head(imp.fileKey, 4_096);
    const reader = readCsv(await storage.get(imp.fileKey), guessDelimiter(first));
    const resumeAfter = imp.rowsTotal; // rows committed by an earlier attempt
    const batches = new Batches(this.scope, imp, job, reader);
    let rowNumber = 1;
    try {
      for await (const values of reader.records) {
        if (!batches.mapping) {
          await this.header(imp, values, resumeAfter === 0, batches);
          continue;
        }
        rowNumber++;
        if (rowNumber - 1 > resumeAfter) await batches.add({ rowNumber, values });
      }
    } catch (err) {
      // The rows read before the file went wrong are stored; the import then ends FAILED.
      if (err instanceof CsvFileError && batches.mapping) await batches.flush();
      await batches.settled();
      throw err;
    }
    if (!batches.mapping) throw new CsvFileError('The file is empty: it has no header row');
    await batches.flush();
    await batches.settled();
  }

  /** The header row: resolves the mapping (recorded on the first attempt only). */
  private async header(imp: Import, values: string[], record: boolean, batches: Batches): Promise<void> {
    const given = Object.entries(imp.mapping).map(([field, column]) => ({ field, column }));
    try {
      batches.mapping = resolveMapping(imp.kind, values, given);
    } catch (err) {
      throw new CsvFileError((err as Error).message);
    }
    if (record)
      await this.scope.em.nativeUpdate(
        Import,
        { id: imp.id },
        { columns: values, unmappedColumns: batches.mapping.unmapped, mapping: batches.mapping.byName },
      );
  }

  /**
   * Every reported row as CSV — row number, problem, column, existing record, then the row as it was — under the
   * import's folder.
   */
  private async writeReport(imp: Import): Promise<string | undefined> {
    const { em, deps } = this.scope;
    if (!(await em.count(ImportIssue, { importId: imp.id }))) return undefined;
    await em.refresh(imp);
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
    const columns = ['row', 'problem', 'message', 'column', 'existing_id', ...imp.columns];
    const csv = await new Promise<string>((resolve, reject) =>
      stringify(rows, { header: true, columns }, (err, out) => (err ? reject(err) : resolve(out))),
    );
    // Sized upload: the report is at most a few MB (reported rows only).
    const key = ObjectStorage.key(imp.organizationId, 'imports', imp.id, 'report.csv');
    await deps.storage.put(key, Buffer.from(csv, 'utf8'), 'text/csv; charset=utf-8');
    return key;
  }
}

/** Rows waiting for their batch, the work batches leave behind (at most two in flight), and progress. */
class Batches {
  mapping: ResolvedMapping | null = null;
  private rows: RawRow[] = [];
  private lastRow = 1;
  private lastProgress = 0;
  private readonly pending: Promise<unknown>[] = [];
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly scope: ServiceScope,
    private readonly imp: Import,
    private readonly job: JobRun<ImportCsvJob>,
    private readonly reader: ReturnType<typeof readCsv>,
  ) {}

  async add(row: RawRow): Promise<void> {
    this.rows.push(row);
    this.lastRow = row.rowNumber;
    if (this.rows.length >= BATCH) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.rows.length) return;
    const rows = this.rows;
    this.rows = [];
    const ctx: BatchContext = {
      deps: this.scope.deps,
      em: this.scope.em,
      imp: this.imp,
      mapping: this.mapping!,
      seen: this.seen,
      later: (p) => this.later(p),
    };
    await (this.imp.kind === ImportKind.PROPERTIES ? storeProperties : storeLeads)(ctx, rows);
    // The parser reads ahead of what is stored: place the last stored row by the average row size so far.
    const storedShare = (this.lastRow - 1) / Math.max(1, this.reader.recordsRead() - 1);
    const read = this.reader.bytesRead() / Math.max(1, this.imp.fileBytes);
    const progress = Math.min(99, Math.floor(storedShare * read * 100));
    if (progress > this.lastProgress) {
      this.lastProgress = progress;
      await this.job.progress(progress);
    }
  }

  /** Resolves when the work batches left behind is done. */
  async settled(): Promise<void> {
    await Promise.all(this.pending);
  }

  private async later(p: Promise<unknown>): Promise<void> {
    p.catch(() => undefined); // awaited in settled(); this only keeps an early rejection from going unhandled
    this.pending.push(p);
    if (this.pending.length > 2) await this.pending.shift();
  }
}

function summary(imp: Import): ImportSummary {
  return {
    status: imp.status,
    rowsTotal: imp.rowsTotal,
    rowsImported: imp.rowsImported,
    rowsDuplicate: imp.rowsDuplicate,
    rowsInvalid: imp.rowsInvalid,
    error: imp.error ?? null,
  };
}
