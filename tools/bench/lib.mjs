// What the benchmark scripts share: a run of their own (database, Redis phase, topic prefix),
// the apps started from their build output, and the set-up and clean-up around a run.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeOptionsFor } from '../lib/node-flags.mjs';
import { kafkajs } from '../lib/kafkajs.mjs';

const require = createRequire(import.meta.url);
const pg = require('pg');
const { Kafka, logLevel } = await kafkajs();

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const num = (name, fallback) => Number(process.env[name] ?? fallback);

export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function freePort() {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** A benchmark run: its id, its isolated environment, and its apps. */
export function benchRun(name, extraEnv = {}) {
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const secret = 'dev-only-insecure-secret-change-me';
  const baseDb = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/live');
  const dbName = `live_bench_${runId}`;
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    LOG_PRETTY: 'false',
    AUTH_JWT_SECRET: secret,
    REDIS_PHASE: `bench-${runId}`,
    DATABASE_URL: Object.assign(new URL(baseDb), { pathname: `/${dbName}` }).toString(),
    KAFKA_TOPIC_PREFIX: `bench-${runId}.`,
    ...extraEnv,
  };
  const log = (msg) => console.log(`[bench:${name} ${new Date().toISOString().slice(11, 19)}] ${msg}`);
  const apps = [];
  const adminUrl = Object.assign(new URL(baseDb), { pathname: '/postgres' }).toString();

  /** opts.port: listen there (a restart keeps its address); opts.logFile: the app's stdout and stderr go there */
  async function startApp(app, extra = {}, opts = {}) {
    const port = opts.port ?? (await freePort());
    // BENCH_PROFILE=<dir>: each app writes a V8 CPU profile there when it stops; BENCH_APP_LOGS=<dir>:
    // each app's stdout goes to <dir>/<app>-<port>.log (else nowhere)
    const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROFILE)}`] : [];
    const child = spawn(process.execPath, [...profile, `dist/apps/${app}/apps/${app}/src/main.js`], {
      cwd: root,
      env: { ...env, NODE_OPTIONS: nodeOptionsFor(app, env.NODE_OPTIONS), ...extra, PORT: String(port) },
      stdio: opts.logFile ? ['ignore', opts.logFile, opts.logFile] : process.env.BENCH_APP_LOGS ? ['ignore', openSync(path.join(process.env.BENCH_APP_LOGS, `${app}-${port}.log`), 'a'), 'inherit'] : ['ignore', 'ignore', 'inherit'],
    });
    const handle = { name: app, port, child, url: `http://127.0.0.1:${port}`, extra, opts };
    apps.push(handle);
    for (let i = 0; i < 300; i++) {
      try {
        if ((await fetch(`${handle.url}/health/ready`)).status === 200) return handle;
      } catch {
        // not listening yet
      }
      if (child.exitCode !== null) throw new Error(`${app} exited ${child.exitCode}`);
      await sleep(200);
    }
    throw new Error(`${app} not ready`);
  }

  async function stopApp(handle) {
    handle.child.kill('SIGTERM');
    await new Promise((r) => (handle.child.exitCode !== null ? r() : handle.child.once('exit', r)));
    apps.splice(apps.indexOf(handle), 1);
  }

  /** infra up, build the apps, a database of this run's own, their migrations */
  async function prepare(build, migrate) {
    execFileSync(process.execPath, ['tools/infra/infra.mjs', 'up'], { cwd: root, stdio: 'inherit' });
    execFileSync(path.join(root, 'node_modules/.bin/nx'), ['run-many', '-t', 'build', '-p', ...build], {
      cwd: root,
      stdio: 'ignore',
      env: { ...process.env, NX_DAEMON: 'false' },
    });
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${dbName}"`);
    await admin.end();
    for (const app of migrate) execFileSync(process.execPath, [`dist/apps/${app}/apps/${app}/src/migrate.js`], { cwd: root, env, stdio: 'ignore' });
  }

  /** the run's Redis keys, database and topics go; apps still running are stopped */
  async function cleanUp(redis) {
    for (const handle of [...apps]) await stopApp(handle);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `live|${env.REDIS_PHASE}|*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
    const kafka = new Kafka({ brokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), logLevel: logLevel.NOTHING }).admin();
    await kafka.connect();
    const topics = (await kafka.listTopics()).filter((t) => t.startsWith(env.KAFKA_TOPIC_PREFIX));
    if (topics.length) await kafka.deleteTopics({ topics });
    await kafka.disconnect();
  }

  return { runId, secret, env, dbName, log, apps, startApp, stopApp, prepare, cleanUp };
}

/**
 * Where results go: bench/results, or BENCH_RESULTS_DIR (bench:burst-curve's runs write there, so
 * they leave the committed results alone).
 */
export const resultsDir = () => path.resolve(root, process.env.BENCH_RESULTS_DIR ?? 'bench/results');

/**
 * Writes <resultsDir>/<name>.json: `{ name, at, machine, ...fields }`, and prints it (through
 * `shown`, to leave out what is too long for a terminal).
 */
export function writeResult(name, fields, shown = (out) => out) {
  const out = {
    name,
    at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    ...fields,
  };
  const file = path.join(resultsDir(), `${name}.json`);
  mkdirSync(resultsDir(), { recursive: true });
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`\n${JSON.stringify(shown(out), null, 2)}\nwritten to ${path.relative(root, file)}`);
  return out;
}
