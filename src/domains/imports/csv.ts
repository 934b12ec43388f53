import { Transform, type Readable } from 'node:stream';
import { parse } from 'csv-parse';

/** The file cannot be read on: not UTF-8, binary, broken quoting. Rows before it stay imported. */
export class CsvFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvFileError';
  }
}

/**
 * Checks that the bytes are UTF-8 text (a byte-order mark is dropped) and passes them on as strings;
 * counts bytes for progress. UTF-16 files and binary files (spreadsheets saved as .xlsx) are refused
 * with what to do instead.
 */
class Utf8Text extends Transform {
  bytes = 0;
  private newlines = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  constructor() {
    super({ readableObjectMode: false, decodeStrings: true });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null, data?: string) => void): void {
    if (this.bytes === 0) {
      if ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff))
        return done(new CsvFileError('The file is UTF-16 text; save it as "CSV UTF-8" and upload it again'));
      if (chunk[0] === 0x50 && chunk[1] === 0x4b)
        return done(
          new CsvFileError('The file is a spreadsheet (.xlsx), not CSV; save it as "CSV UTF-8" and upload it again'),
        );
    }
    this.bytes += chunk.length;
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: true });
    } catch {
      return done(
        new CsvFileError(
          `The file is not UTF-8 text (a byte near row ${this.newlines + 1} is not UTF-8); save it as "CSV ` +
            `UTF-8" and upload it again`,
        ),
      );
    }
    if (text.includes('\u0000')) return done(new CsvFileError('The file is binary, not CSV text'));
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.newlines++;
    done(null, text);
  }

  override _flush(done: (err?: Error | null, data?: string) => void): void {
    try {
      done(null, this.decoder.decode());
    } catch {
      done(
        new CsvFileError(
          'The file ends in the middle of a UTF-8 character; save it as "CSV UTF-8" and upload it again',
        ),
      );
    }
  }
}

export interface CsvReader {
  /** Records in file order; the first is the header row. */
  records: AsyncIterable<string[]>;
  /** Bytes read from the source so far. */
  bytesRead(): number;
  /** Records parsed so far (some may still wait in the queue). */
  recordsRead(): number;
}

/**
 * Streams a CSV file as records (RFC 4180: quoted fields, doubled quotes, line breaks inside quotes;
 * comma, semicolon or tab separators, guessed from the header line). Rows with more or fewer
 * fields than the header are passed on for the caller to report. Broken quoting ends the file with a
 * CsvFileError naming the row.
 */
export function readCsv(source: Readable, delimiter = ','): CsvReader {
  const text = new Utf8Text();
  const parser = parse({ delimiter, relax_column_count: true, skip_empty_lines: true, max_record_size: 64 * 1024 });
  source.on('error', (err) => text.destroy(err));
  text.on('error', (err) => parser.destroy(err));
  source.pipe(text).pipe(parser);
  // Records are queued here and an error is delivered only after the records before it, which a
  // plain async iterator over the parser would drop. The parser pauses while the queue is full.
  const queue: string[][] = [];
  let failure: Error | null = null;
  let ended = false;
  let parsed = 0;
  let wake: (() => void) | null = null;
  const signal = () => {
    wake?.();
    wake = null;
  };
  parser.on('data', (record: string[]) => {
    queue.push(record);
    parsed++;
    if (queue.length >= 2_000) parser.pause();
    signal();
  });
  parser.on('error', (err) => {
    failure = err;
    signal();
  });
  parser.on('end', () => {
    ended = true;
    signal();
  });
  return {
    bytesRead: () => text.bytes,
    recordsRead: () => parsed,
    records: (async function* () {
      try {
        for (;;) {
          if (queue.length) {
            const record = queue.shift()!;
            if (queue.length < 1_000 && parser.isPaused()) parser.resume();
            yield record;
            continue;
          }
          if (failure) throw asCsvFileError(failure);
          if (ended) return;
          await new Promise<void>((r) => (wake = r));
        }
      } finally {
        source.destroy();
      }
    })(),
  };
}

/** The parser's own errors (broken quoting, oversized records) become CsvFileErrors naming the row. */
function asCsvFileError(err: Error): Error {
  if (err instanceof CsvFileError) return err;
  const e = err as { code?: string; message: string; records?: number };
  if (e.code?.startsWith('CSV_'))
    return new CsvFileError(
      `The file is not valid CSV at row ${(e.records ?? 0) + 1}: ${e.message.replace(/^Invalid [^:]*: /, '')}`,
    );
  return err;
}

/** The separator the header line uses: the most frequent of comma, semicolon and tab. */
export function guessDelimiter(firstBytes: Buffer): string {
  const line = firstBytes.toString('utf8').split(/\r?\n/, 1)[0] ?? '';
  const counts = [',', ';', '\t'].map((d) => [d, line.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![1] > 0 ? counts[0]![0] : ',';
}
