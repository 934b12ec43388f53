import { pino, type Logger } from 'pino';

/** JSON logs on stdout; one child logger per operation carries its request id. */
export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { service: 'real-estate-os', ...base },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: ['req.headers.authorization', '*.password', '*.token', '*.refreshToken'],
  });
}

export type { Logger };
