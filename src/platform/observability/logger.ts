import { pino, type Logger } from 'pino';

/** Lines wait at most this long, or until 4 KB gather, before they are written. */
export const FLUSH_MS = 200;
const BATCH_BYTES = 4096;

/**
 * JSON logs on stdout; one child logger per operation carries its request id. Lines are written in
 * batches (4 KB, or FLUSH_MS after the first unwritten line) from a buffer instead of one write per
 * line: under load the operation log cost a system call per request. The flush timer runs only
 * while lines wait, so a quiet process is not woken five times a second for nothing (every wake-up
 * costs CPU; docs/architecture.md, Performance). Whatever is buffered is written synchronously
 * when the process exits (pino flushes on `exit`, including process.exit and a fatal error); only
 * a SIGKILL can lose the last FLUSH_MS of lines.
 */
export function createLogger(
  level: string,
  base: Record<string, unknown> = {},
  /** A file descriptor or path; stdout unless a test says otherwise. */
  dest: number | string = 1,
): Logger {
  const destination = pino.destination({ dest, sync: false, minLength: BATCH_BYTES });
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    timer = null;
    try {
      destination.flush();
    } catch {
      // Closed (the process is ending, and pino wrote what was left).
    }
  };
  const write = destination.write.bind(destination);
  destination.write = (line: string) => {
    timer ??= setTimeout(flush, FLUSH_MS).unref();
    return write(line);
  };
  return pino(
    {
      level,
      base: { service: 'real-estate-os', ...base },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: ['req.headers.authorization', '*.password', '*.token', '*.refreshToken'],
    },
    destination,
  );
}

export type { Logger };
