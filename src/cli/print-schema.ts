import { readFile, writeFile } from 'node:fs/promises';
import { printAppSchema } from '../platform/graphql/schema.js';

/** `npm run schema:print` writes schema.graphql; `--check` fails when the committed file drifted. */
const file = new URL('../../../schema.graphql', import.meta.url);
const sdl = await printAppSchema();
if (process.argv.includes('--check')) {
  const committed = await readFile(file, 'utf8').catch(() => '');
  if (committed !== sdl) {
    console.error('schema.graphql is out of date with the code. Run `npm run schema:print` and commit the result.');
    process.exit(1);
  }
  console.log('schema.graphql matches the code.');
} else {
  await writeFile(file, sdl);
  console.log('Wrote schema.graphql');
}
