#!/usr/bin/env node
// npm run bench:scrape -- what one Prometheus scrape of an app's /metrics holds its event loop,
// with many sockets open (a burst-api or ws-gateway replica in a flash sale; the chart's
// ServiceMonitor scrapes every 15 s). Opens BENCH_CONNECTIONS loopback TCP connections to
// itself (two sockets each, as a server with that many viewers holds one each plus the
// kernel's), then scrapes BENCH_SCRAPES times: the apps' registry (@live/metrics'
// MetricsService, built from this checkout) and, in the same run, the baseline: prom-client's
// stock default metrics, as the apps scraped before #17 round 12. A 1 ms interval timer
// measures the gaps between turns of the loop during each scrape: the longest is how long a
// viewer's message arriving then waits. Prints the figures and writes bench/results/scrape.json.
// Traffic goes to 127.0.0.1 only.
//
// Settings (env): BENCH_CONNECTIONS (8,000: 16,000 sockets, within a 20,000 descriptor limit),
// BENCH_SCRAPES (10 of each registry, alternated; the first of each is left out as warm-up).
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { num, percentile, root, writeResult } from './lib.mjs';
import { usage } from '../lib/usage.mjs';

usage(import.meta.url);

const params = { connections: num('BENCH_CONNECTIONS', 8_000), scrapes: num('BENCH_SCRAPES', 10) };
const log = (msg) => console.log(`[bench:scrape ${new Date().toISOString().slice(11, 19)}] ${msg}`);

execFileSync(path.join(root, 'node_modules/.bin/nx'), ['run-many', '-t', 'build', '-p', 'burst-api'], { cwd: root, stdio: 'ignore', env: { ...process.env, NX_DAEMON: 'false' } });
const require = createRequire(import.meta.url);
const { MetricsService } = require(path.join(root, 'dist/apps/burst-api/libs/platform/metrics/src'));
const promClient = require('prom-client');

const registries = {
  apps: new MetricsService('bench-scrape').registry,
  stockDefaults: (() => {
    const r = new promClient.Registry();
    promClient.collectDefaultMetrics({ register: r });
    return r;
  })(),
};

/** One scrape: its wall time and the longest gap between the interval timer's ticks while it ran (ms). */
async function scrape(registry) {
  let last = performance.now();
  let longest = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  await new Promise((r) => setTimeout(r, 20));
  longest = 0;
  last = performance.now();
  const started = performance.now();
  await registry.metrics();
  const wallMs = performance.now() - started;
  await new Promise((r) => setTimeout(r, 5)); // the tick after the last turn
  clearInterval(tick);
  return { wallMs, longestTurnMs: longest };
}

async function main() {
  const server = net.createServer(() => {});
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  const sockets = [];
  for (let from = 0; from < params.connections; from += 500) {
    await Promise.all(Array.from({ length: Math.min(500, params.connections - from) }, () => new Promise((resolve, reject) => sockets.push(net.connect(port, '127.0.0.1', resolve).once('error', reject)))));
  }
  log(`${params.connections} connections open (${2 * params.connections} sockets); ${params.scrapes} scrapes of each registry`);
  const runs = { apps: [], stockDefaults: [] };
  for (let i = 0; i < params.scrapes; i++) {
    for (const [name, registry] of Object.entries(registries)) runs[name].push(await scrape(registry));
  }
  const figures = (list) => {
    const warm = list.slice(1);
    const turns = warm.map((s) => s.longestTurnMs).sort((a, b) => a - b);
    const walls = warm.map((s) => s.wallMs).sort((a, b) => a - b);
    return { longestTurnMs: { p50: round(percentile(turns, 50)), max: round(turns[turns.length - 1]) }, wallMs: { p50: round(percentile(walls, 50)) } };
  };
  const result = { apps: figures(runs.apps), stockDefaults: figures(runs.stockDefaults) };
  result.ratio = round(result.stockDefaults.longestTurnMs.p50 / Math.max(0.1, result.apps.longestTurnMs.p50));
  for (const s of sockets) s.destroy();
  server.close();
  writeResult('scrape', { params, result });
}

const round = (x) => Math.round(x * 10) / 10;

main().catch((err) => {
  console.error('[bench:scrape] failed:', err);
  process.exit(1);
});
