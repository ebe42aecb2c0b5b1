import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));

// Static files for production (nx build admin-console -> dist/apps/admin-console); the APIs' addresses come
// from /config.json at run time, so one build serves every environment.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  resolve: {
    alias: {
      '@live/viewer-sdk': `${root}libs/viewer-sdk/src/index.ts`,
      '@live/contracts': `${root}libs/contracts/src/index.ts`,
    },
  },
  server: { host: '127.0.0.1', port: 4200, strictPort: true },
  preview: { host: '127.0.0.1', port: 4200, strictPort: true },
  build: { outDir: `${root}dist/apps/admin-console`, emptyOutDir: true, chunkSizeWarningLimit: 1500 },
});
