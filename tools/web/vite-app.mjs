// The one Vite setup of the web apps: React, the two libs they may use (SDK, contracts) as
// source, a fixed local port, and static files for production in dist/apps/<app> (the APIs'
// addresses come from /config.json at run time, so one build serves every environment).
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));

export function webApp(app, port) {
  return defineConfig({
    root: `${root}apps/${app}`,
    plugins: [react()],
    resolve: {
      alias: {
        '@live/viewer-sdk': `${root}libs/viewer-sdk/src/index.ts`,
        '@live/contracts': `${root}libs/contracts/src/index.ts`,
      },
    },
    server: { host: '127.0.0.1', port, strictPort: true },
    preview: { host: '127.0.0.1', port, strictPort: true },
    build: { outDir: `${root}dist/apps/${app}`, emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  });
}
