import { sha256 as sha256Bytes } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/**
 * The persisted-query hash: hex SHA-256 of the exact document text. Pure JavaScript (@noble/hashes),
 * synchronous, and the same in Node.js, browsers and React Native, none of which share a crypto API.
 */
export function sha256(text: string): string {
  return bytesToHex(sha256Bytes(utf8ToBytes(text)));
}
