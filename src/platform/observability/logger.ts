import { pino, type Logger } from 'pino';

/** Lines wait at most this long, or until 4 KB gather, before they are written. */
const FLUSH_MS = 200;
const BATCH_BYTES = 4096;

/**
 * JSON logs on stdout; one child logger per operation carries its request id. Lines are written in
 * batches (4 KB, or every FLUSH_MS) from a buffer instead of one write per line: under load the
 * operation log cost a system call per request. Whatever is buffered is written synchronously when
 * the process exits (pino flushes on `exit`, including process.exit and a fatal error); only a
 * SIGKILL can lose the last FLUSH_MS of lines.
 */
export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  const destination = pino.destination({ dest: 1, sync: false, minLength: BATCH_BYTES });
  let unwritten = false;
  const write = destination.write.bind(destination);
  destination.write = (line: string) => ((unwritten = true), write(line));
  setInterval(() => {
    if (!unwritten) return;
    unwritten = false;
    try {
      destination.flush();
    } catch {
      // Closed (the process is ending, and pino wrote what was left).
    }
  }, FLUSH_MS).unref();
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
