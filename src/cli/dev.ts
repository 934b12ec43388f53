import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run dev`: the TypeScript compiler in watch mode (incremental), the service under
 * `node --watch`, which restarts it whenever compiled output changes, and the web client from
 * Vite's dev server with hot reload (http://127.0.0.1:5173/app/, proxying /graphql to the API on
 * PORT). `.env` is read when present. Ctrl-C stops all three.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const node = process.execPath;
const children = [
  spawn(
    node,
    [
      join(root, 'node_modules/typescript/bin/tsc'),
      '-p',
      'tsconfig.build.json',
      '--incremental',
      '--watch',
      '--preserveWatchOutput',
    ],
    { cwd: root, stdio: 'inherit' },
  ),
  spawn(
    node,
    [
      '--watch',
      '--env-file-if-exists=.env',
      '--max-semi-space-size=64',
      '--no-memory-reducer',
      '--experimental-async-context-frame',
      'dist/src/main.js',
      ...process.argv.slice(2),
    ],
    { cwd: root, stdio: 'inherit' },
  ),
  spawn(node, [join(root, 'node_modules/vite/bin/vite.js'), '--config', 'web/vite.config.ts', '--host', '127.0.0.1'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, API_ORIGIN: process.env.API_ORIGIN ?? `http://127.0.0.1:${process.env.PORT ?? 4000}` },
  }),
];
const stop = () => {
  for (const child of children) child.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const child of children) child.on('exit', () => stop());
