import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The reference client (web/): built into dist/web and served by the API at /app (the explorer at
// /graphiql). `npm run dev` serves it from Vite with hot reload and proxies /graphql (HTTP and
// WebSocket) to the API on API_ORIGIN (default http://127.0.0.1:4000).
const api = process.env.API_ORIGIN ?? 'http://127.0.0.1:4000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/app/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    // Monaco (the explorer only) is large by nature; the app's own bundle is measured by the browser test.
    chunkSizeWarningLimit: 4_000,
    rollupOptions: {
      // GraphiQL's modules start with React Compiler directives ("use no memo") that bundling drops, harmlessly.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
      input: {
        app: fileURLToPath(new URL('index.html', import.meta.url)),
        graphiql: fileURLToPath(new URL('graphiql.html', import.meta.url)),
      },
    },
  },
  server: {
    port: Number(process.env.WEB_PORT ?? 5173),
    proxy: { '/graphql': { target: api, ws: true, changeOrigin: true } },
  },
});
