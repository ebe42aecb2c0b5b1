#!/usr/bin/env node
// `npm run dev`: the whole platform on local defaults.
//   install (if needed) -> infra up -> build every app -> migrations -> start all seven
//   and the two web apps -> wait for every /health/ready -> print where each listens.
// An app that exits on its own (a crash) is started again after a backoff (1 s doubling to
// 30 s, reset after 30 s up), said in the terminal (tools/dev/supervise.mjs).
// Ctrl-C stops the apps cleanly (SIGTERM, each drains and exits); the infrastructure keeps
// running until `npm run infra:down`. Logs: the terminal, and .data/logs/<app>.log.
//
// Settings (env): <APP>_PORT moves an app (e.g. WS_GATEWAY_PORT=4002), LIVE_DATA_DIR (.data).
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeOptionsFor } from '../lib/node-flags.mjs';
import { usage } from '../lib/usage.mjs';
import { supervise } from './supervise.mjs';

usage(import.meta.url);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const logDir = path.join(root, process.env.LIVE_DATA_DIR ?? '.data', 'logs');

// name, default port; each port can be moved with <NAME>_PORT, e.g. WS_GATEWAY_PORT=4002
export const APPS = [
  ['management-api', 3000],
  ['message-api', 3001],
  ['ws-gateway', 3002],
  ['burst-api', 3003],
  ['analytics', 3004],
  ['encoder-orchestrator', 3005],
  ['message-processor', 3006],
];
// the web apps: static files from `nx build`, served by tools/web/serve.mjs
export const WEB_APPS = [
  ['admin-console', 4200],
  ['viewer-web', 4300],
];
const portOf = (name, fallback) => Number(process.env[`${name.toUpperCase().replaceAll('-', '_')}_PORT`] ?? fallback);

const colors = [36, 35, 33, 32, 34, 91, 96];
const say = (msg) => console.log(`\x1b[1m[dev]\x1b[0m ${msg}`);

function run(cmd, args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}`))));
  });
}

function needsInstall() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  return !existsSync(marker) || statSync(path.join(root, 'package-lock.json')).mtimeMs > statSync(marker).mtimeMs;
}

const nx = path.join(root, 'node_modules', '.bin', 'nx');
const nxEnv = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };

async function ready(port, path = '/health/ready') {
  try {
    return (await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(3_000) })).status === 200;
  } catch {
    return false;
  }
}

async function main() {
  if (needsInstall()) {
    say('installing dependencies (npm install; see tools/test/test.mjs for why not npm ci)');
    await run('npm', ['install', '--no-audit', '--no-fund']);
  }
  say('infrastructure');
  await run(process.execPath, ['tools/infra/infra.mjs', 'up']);
  // encoder-orchestrator's live and replay pipelines run ffmpeg/ffprobe
  await run(process.execPath, ['tools/infra/debian-packages.mjs', 'ffmpeg']);
  say('building every app');
  await run(nx, ['run-many', '-t', 'build', '--outputStyle=stream'], nxEnv);
  say('migrations');
  await run(nx, ['run-many', '-t', 'migrate', '--parallel=1', '--outputStyle=stream'], nxEnv);

  mkdirSync(logDir, { recursive: true });
  const children = new Map();
  let stopping = false;
  const exited = () => {
    if (stopping && [...children.values()].every((e) => !e.sup.current())) {
      say('all apps stopped; the infrastructure keeps running (npm run infra:down stops it)');
      process.exit(0);
    }
  };
  APPS.forEach(([name, defaultPort], i) => {
    const port = portOf(name, defaultPort);
    const file = createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a' });
    const tag = `\x1b[${colors[i % colors.length]}m${name.padEnd(20)}\x1b[0m`;
    const pipe = (stream) => {
      let rest = '';
      stream.on('data', (chunk) => {
        file.write(chunk);
        const lines = (rest + chunk.toString()).split('\n');
        rest = lines.pop();
        for (const line of lines) if (line) process.stdout.write(`${tag} ${line}\n`);
      });
    };
    const start = () => {
      const child = spawn(process.execPath, ['--enable-source-maps', `dist/apps/${name}/apps/${name}/src/main.js`], {
        cwd: root,
        // management-api seeds a demo show to play with and may send webhooks to local receivers (see README)
        env: { LOG_PRETTY: 'true', SEED_DEMO: 'true', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1,localhost', ...process.env, NODE_OPTIONS: nodeOptionsFor(name), PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      pipe(child.stdout);
      pipe(child.stderr);
      return child;
    };
    const sup = supervise({
      name,
      start,
      say: (msg) => say(`${msg}; see ${path.relative(root, logDir)}/${name}.log`),
      onExit: exited,
    });
    children.set(name, { sup, port });
  });

  const stop = () => {
    if (stopping) return;
    stopping = true;
    say('stopping the apps (SIGTERM)...');
    for (const { sup } of children.values()) sup.stop('SIGTERM');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  // the web apps, built with the others, served as in production (tools/web/serve.mjs writes
  // their /config.json: the APIs on this host's ports)
  const webEnv = {
    WEB_MANAGEMENT_API: `http://127.0.0.1:${portOf('management-api', 3000)}`,
    WEB_MESSAGE_API: `http://127.0.0.1:${portOf('message-api', 3001)}`,
    WEB_GATEWAY: `http://127.0.0.1:${portOf('ws-gateway', 3002)}`,
    WEB_BURST_API: `http://127.0.0.1:${portOf('burst-api', 3003)}`,
    WEB_ANALYTICS_API: `http://127.0.0.1:${portOf('analytics', 3004)}`,
    WEB_ENCODER_API: `http://127.0.0.1:${portOf('encoder-orchestrator', 3005)}`,
    WEB_VIEWER_URL: `http://127.0.0.1:${portOf('viewer-web', 4300)}/`,
  };
  for (const [name, defaultPort] of WEB_APPS) {
    const start = () => {
      const child = spawn(process.execPath, ['tools/web/serve.mjs', name, '--port', String(portOf(name, defaultPort))], { cwd: root, env: { ...process.env, ...webEnv }, stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr.on('data', (d) => process.stdout.write(`${name.padEnd(20)} ${d}`));
      return child;
    };
    children.set(name, { sup: supervise({ name, start, say, onExit: exited }), port: portOf(name, defaultPort), web: true });
  }

  const deadline = Date.now() + 120_000;
  const pending = new Set(APPS.map(([name]) => name));
  for (const [name] of WEB_APPS) pending.add(name);
  while (pending.size && Date.now() < deadline && !stopping) {
    for (const name of [...pending]) {
      const entry = children.get(name);
      if (await ready(entry.port, entry.web ? '/healthz' : '/health/ready')) pending.delete(name);
    }
    if (pending.size) await new Promise((r) => setTimeout(r, 500));
  }
  if (pending.size) throw new Error(`not ready after 120 s: ${[...pending].join(', ')}`);

  console.log('\n\x1b[1mThe platform is up (every /health/ready answers 200):\x1b[0m');
  for (const [name, defaultPort] of APPS) console.log(`  ${name.padEnd(22)} http://127.0.0.1:${portOf(name, defaultPort)}`);
  console.log('\n\x1b[1mIn the browser:\x1b[0m');
  console.log(`  admin console          http://127.0.0.1:${portOf('admin-console', 4200)}   (sign in: npm run -s token -- --sub demo-seller --roles seller)`);
  console.log(`  viewer page            http://127.0.0.1:${portOf('viewer-web', 4300)}/?show=<id>   (the console links each show's page)`);
  console.log(`  logs                   ${path.relative(root, logDir)}/<app>.log`);
  console.log('  Ctrl-C stops the apps; npm run infra:down stops Kafka (and any Postgres/Redis tools/ started).\n');
}

main().catch((err) => {
  say(`failed: ${err.message}`);
  process.kill(process.pid, 'SIGTERM');
  setTimeout(() => process.exit(1), 15_000).unref();
});
