import { createHash } from 'node:crypto';

/** The persisted-query hash: hex SHA-256 of the exact document text. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
