import { writeFile } from 'node:fs/promises';
import { print, type DocumentNode } from 'graphql';
import * as sdk from './generated/operations.js';
import { sha256 } from './hash.js';

/**
 * Writes client/generated/persisted-operations.json: sha256(document) -> document for every
 * operation in the generated SDK, printed exactly as the SDK sends it. The server loads it for
 * trusted documents (PERSISTED_OPERATIONS=allow|only). Run by `npm run codegen`.
 */
const manifest: Record<string, string> = {};
for (const [name, value] of Object.entries(sdk)) {
  if (!name.endsWith('Document') || typeof value !== 'object' || (value as DocumentNode).kind !== 'Document') continue;
  const text = print(value as DocumentNode);
  manifest[sha256(text)] = text;
}
const sorted = Object.fromEntries(Object.entries(manifest).sort(([a], [b]) => a.localeCompare(b)));
await writeFile(
  new URL('../../client/generated/persisted-operations.json', import.meta.url),
  JSON.stringify(sorted, null, 2) + '\n',
);
console.log(`Wrote ${Object.keys(sorted).length} persisted operations`);
