import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// esbuild (vitest's default transform) drops decorator metadata, which type-graphql and
// MikroORM read to infer types; swc keeps it.
export default defineConfig({
  resolve: {
    // Node (and so Apollo, type-graphql) loads graphql's CommonJS build; Vite would pick its
    // `module` build. Two copies break `instanceof GraphQLError`, so use Node's choice here too.
    alias: [
      { find: /^graphql$/, replacement: fileURLToPath(new URL('./node_modules/graphql/index.js', import.meta.url)) },
    ],
  },
  plugins: [
    swc.vite({
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
        target: 'es2022',
      },
    }),
  ],
  test: {
    globalSetup: ['tests/helpers/global-setup.ts'],
    setupFiles: ['tests/helpers/setup.ts'],
    include: ['tests/**/*.test.ts'],
    reporters: ['default', './tests/helpers/summary-reporter.ts'],
    // Tests wait for events with generous bounds (a busy machine is slow, not wrong); these only catch hangs.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    fileParallelism: true,
    // The in-process servers run under the same async context implementation as `npm start`.
    execArgv: ['--experimental-async-context-frame'],
    maxWorkers: 3, // the files are mostly waiting on Postgres, Redis and sockets: three overlap well on two cores
  },
});
