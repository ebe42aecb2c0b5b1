#!/usr/bin/env node
// Serves a built web app (dist/apps/<app>) as static files, the way production does:
//   node tools/web/serve.mjs <admin-console|viewer-web> [--port N] [--dir path]
// `/config.json` (where the APIs are) is written from the environment, so one build runs
// anywhere: WEB_MANAGEMENT_API, WEB_MESSAGE_API, WEB_GATEWAY, WEB_BURST_API,
// WEB_ANALYTICS_API, WEB_ENCODER_API ('none': no video), WEB_BUY_URL, WEB_VIEWER_URL. Unset: the page
// assumes the platform's default ports on its own host. Unknown paths get index.html (SPA).
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const app = args.find((a) => !a.startsWith('--'));
const opt = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const DEFAULT_PORTS = { 'admin-console': 4200, 'viewer-web': 4300 };
if (!app || !(app in DEFAULT_PORTS)) {
  console.error('usage: serve.mjs <admin-console|viewer-web> [--port N] [--dir path]');
  process.exit(2);
}
const envPort = process.env[`${app.toUpperCase().replaceAll('-', '_')}_PORT`];
const port = Number(opt('port') ?? envPort ?? process.env.PORT ?? DEFAULT_PORTS[app]);
const host = process.env.HOST ?? '127.0.0.1';
const dir = path.resolve(opt('dir') ?? path.join(root, 'dist', 'apps', app));

export function webConfig(env = process.env) {
  const config = {};
  const set = (key, name) => {
    if (env[name] !== undefined && env[name] !== '') config[key] = env[name] === 'none' ? null : env[name];
  };
  set('managementApi', 'WEB_MANAGEMENT_API');
  set('messageApi', 'WEB_MESSAGE_API');
  set('gateway', 'WEB_GATEWAY');
  set('burstApi', 'WEB_BURST_API');
  set('analyticsApi', 'WEB_ANALYTICS_API');
  set('encoderApi', 'WEB_ENCODER_API');
  set('buyUrl', 'WEB_BUY_URL');
  set('viewerUrl', 'WEB_VIEWER_URL');
  return config;
}

const configJson = JSON.stringify(webConfig());
const files = sirv(dir, {
  single: true,
  etag: true,
  // hashed assets never change; index.html must be revalidated to pick up a new build
  setHeaders: (res, pathname) => res.setHeader('Cache-Control', pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'),
});
const server = createServer((req, res) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (req.url === '/healthz') return res.end('ok');
  if (req.url?.split('?')[0] === '/config.json') {
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Cache-Control', 'no-store');
    return res.end(configJson);
  }
  files(req, res, () => {
    res.statusCode = 404;
    res.end('not found');
  });
});
server.listen(port, host, () => console.log(`${app} on http://${host}:${port} (files: ${path.relative(root, dir) || dir})`));
const stop = () => {
  server.close(() => process.exit(0));
  // browsers hold keep-alive connections open: do not wait for them
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
