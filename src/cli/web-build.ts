import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Builds the web client (web/ -> dist/web) with Vite when its sources, the schema's generated
 * documents or the installed packages changed since the last build; otherwise does nothing, so
 * `npm start` builds it once and starts at once afterwards. `--force` always builds.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const stamp = join(root, 'dist/web/.built');

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = stat.mtimeMs;
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)));
  return max;
}

const sources = Math.max(
  newest(join(root, 'web/src')),
  newest(join(root, 'web/index.html')),
  newest(join(root, 'web/graphiql.html')),
  newest(join(root, 'web/vite.config.ts')),
  newest(join(root, 'package-lock.json')),
);
if (!process.argv.includes('--force') && existsSync(stamp) && statSync(stamp).mtimeMs >= sources) {
  process.exit(0);
}
const started = Date.now();
process.stdout.write('Building the web client (web/ -> dist/web)…\n');
const result = spawnSync(
  process.execPath,
  [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
  {
    cwd: root,
    stdio: 'inherit',
    // A production build (persisted documents, React's production build) whatever NODE_ENV the caller has.
    env: { ...process.env, NODE_ENV: 'production' },
  },
);
if (result.status !== 0) process.exit(result.status ?? 1);
writeFileSync(stamp, new Date().toISOString() + '\n');
process.stdout.write(`Built the web client in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
