#!/usr/bin/env node
// `npm test`: the whole suite on a fresh machine or a used one.
//   install (if needed) -> infra up -> lint -> type-check -> unit tests -> build every app
//   -> a database of this run's own + migrations -> integration tests -> clean-up
// Isolation: this run gets its own Redis phase, Postgres database and Kafka topic/group
// prefix, so a running dev stack (or another test run) never sees its data.
//
// Redis Cluster: the files in CLUSTER_SPECS run a second time with every app on a local
// 3-master Redis Cluster (tools/infra `redis-cluster`, REDIS_CLUSTER_NODES), so each app's
// scripts and MULTIs are proven slot-safe, and the rest of the suite on the single Redis.
//
// Options: --only-unit, --only-integration, --skip-lint, --keep-data, --skip-cluster; anything
// after `--` goes to Jest (e.g. `npm test -- --only-integration -- apps/message-api`; a path
// pattern also narrows the cluster pass to the matching files of CLUSTER_SPECS).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { usage } from '../lib/usage.mjs';

usage(import.meta.url);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const argv = process.argv.slice(2);
const dashdash = argv.indexOf('--');
const flags = new Set(dashdash >= 0 ? argv.slice(0, dashdash) : argv);
const jestArgs = dashdash >= 0 ? argv.slice(dashdash + 1) : [];
const onlyUnit = flags.has('--only-unit');
const onlyIntegration = flags.has('--only-integration');
const skipCluster = flags.has('--skip-cluster');

// One file per app that uses Redis, the one exercising its scripts and MULTIs the most.
const CLUSTER_SPECS = [
  'apps/message-api/test/chat.e2e-spec.ts', // ingest check + rate Lua, delivery, presence, two gateways over the adapter
  'apps/message-processor/test/delivery.int-spec.ts', // chat log stream + counts
  'apps/ws-gateway/test/gateways.e2e-spec.ts', // overlays consumer, join snapshot, cross-gateway emits
  'apps/burst-api/test/show-end.e2e-spec.ts', // hearts, claims, votes, then the show-end flush MULTI + DEL
  'apps/burst-api/test/hearts.e2e-spec.ts', // the hearts Lua: retries, strikes, show and platform bans
  'apps/analytics/test/analytics.e2e-spec.ts', // unique viewers (HyperLogLog per show), scoreboard emitter
  'apps/management-api/test/lifecycle.int-spec.ts', // the Redis mirror: status, bans, global bans
  'libs/platform/redis/test/redis.int-spec.ts', // the client itself: slots, multiPerSlot, CROSSSLOT, pub/sub
];
const CLUSTER_NODES = process.env.LIVE_TEST_CLUSTER_NODES ?? '127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103';

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)}s`;
const step = (name) => console.log(`\n=== ${name} (${elapsed()})`);

function run(cmd, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function must(name, cmd, args, env) {
  step(name);
  const code = await run(cmd, args, env);
  if (code !== 0) {
    console.error(`\n${name} failed (exit ${code})`);
    throw Object.assign(new Error(name), { exitCode: code });
  }
}

function needsInstall() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(marker)) return true;
  return statSync(path.join(root, 'package-lock.json')).mtimeMs > statSync(marker).mtimeMs;
}

const npx = (bin) => path.join(root, 'node_modules', '.bin', bin);

// ------------------------------------------------------------------ isolation for this run
const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const baseDbUrl = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/live');
const testDb = `live_test_${runId}`;
const testDbUrl = Object.assign(new URL(baseDbUrl), { pathname: `/${testDb}` }).toString();
const runEnv = {
  NODE_ENV: 'test',
  LIVE_TEST_RUN_ID: runId,
  REDIS_PHASE: `test-${runId}`,
  DATABASE_URL: testDbUrl,
  KAFKA_TOPIC_PREFIX: `test-${runId}.`,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
};

async function withPg(fn) {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: Object.assign(new URL(baseDbUrl), { pathname: '/postgres' }).toString() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Deletes this run's keys from one Redis server (one key per command: on a cluster node, a multi-key DEL would be CROSSSLOT). */
async function deletePhaseKeys(redis) {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `live|${runEnv.REDIS_PHASE}|*`, 'COUNT', 1000);
    cursor = next;
    deleted += (await Promise.all(keys.map((k) => redis.unlink(k)))).reduce((a, b) => a + b, 0);
  } while (cursor !== '0');
  return deleted;
}

async function cleanUp({ cluster }) {
  step(`clean-up of run ${runId}`);
  await withPg((c) => c.query(`DROP DATABASE IF EXISTS "${testDb}" WITH (FORCE)`)).catch((e) => console.error(`drop database: ${e.message}`));
  const Redis = (await import('ioredis')).default;
  try {
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    const deleted = await deletePhaseKeys(redis);
    await redis.quit();
    console.log(`redis: deleted ${deleted} keys of phase ${runEnv.REDIS_PHASE}`);
  } catch (e) {
    console.error(`redis clean-up: ${e.message}`);
  }
  if (cluster) {
    try {
      const { Cluster } = await import('ioredis');
      const nodes = CLUSTER_NODES.split(',').map((n) => ({ host: n.slice(0, n.lastIndexOf(':')), port: Number(n.slice(n.lastIndexOf(':') + 1)) }));
      const redis = new Cluster(nodes, { redisOptions: { maxRetriesPerRequest: 1 } });
      await new Promise((resolve, reject) => redis.once('ready', resolve).once('error', reject));
      const deleted = (await Promise.all(redis.nodes('master').map(deletePhaseKeys))).reduce((a, b) => a + b, 0);
      await redis.quit();
      console.log(`redis cluster: deleted ${deleted} keys of phase ${runEnv.REDIS_PHASE}`);
    } catch (e) {
      console.error(`redis cluster clean-up: ${e.message}`);
    }
  }
  try {
    const { Kafka, logLevel } = await import('kafkajs');
    const admin = new Kafka({ brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(runEnv.KAFKA_TOPIC_PREFIX));
    if (topics.length) await admin.deleteTopics({ topics, timeout: 30_000 });
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(runEnv.KAFKA_TOPIC_PREFIX));
    if (groups.length) await admin.deleteGroups(groups).catch(() => undefined);
    await admin.disconnect();
    console.log(`kafka: deleted ${topics.length} topics and ${groups.length} groups of prefix ${runEnv.KAFKA_TOPIC_PREFIX}`);
  } catch (e) {
    console.error(`kafka clean-up: ${e.message}`);
  }
}

const tally = { passed: 0, failed: 0, skipped: 0 };
async function jest(project, extra = [], env = runEnv, args = jestArgs) {
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'live-jest-')), 'results.json');
  const code = await run(npx('jest'), ['-c', 'jest.config.js', '--selectProjects', project, '--json', `--outputFile=${out}`, ...extra, ...args], env);
  if (existsSync(out)) {
    const r = JSON.parse(readFileSync(out, 'utf8'));
    tally.passed += r.numPassedTests;
    tally.failed += r.numFailedTests;
    tally.skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  } else if (code !== 0) {
    tally.failed += 1;
  }
  return code;
}

async function main() {
  console.log(`test run ${runId}: redis phase ${runEnv.REDIS_PHASE}, database ${testDb}, topic prefix ${runEnv.KAFKA_TOPIC_PREFIX}`);
  // `npm install`, not `npm ci`: the registry this project is installed from serves no
  // other-platform optional binaries (@swc/core-darwin-*, ...), so the lockfile cannot list
  // them and `npm ci` refuses it. `npm install` follows the lockfile and leaves it as it is.
  if (needsInstall()) await must('npm install', 'npm', ['install', '--no-audit', '--no-fund']);
  let failed = false;

  if (!onlyIntegration) {
    if (!flags.has('--skip-lint')) await must('lint (module boundaries included)', npx('eslint'), ['.', '--max-warnings=0']);
    await must('type-check', npx('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
    // the web apps compile against the DOM, so they have tsconfigs of their own
    for (const web of ['admin-console', 'viewer-web']) await must(`type-check ${web}`, npx('tsc'), ['-p', `apps/${web}/tsconfig.json`, '--noEmit']);
    step('unit tests');
    failed ||= (await jest('unit')) !== 0;
    step('chart tests (helm lint, helm template, manifest validation; no cluster)');
    failed ||= (await jest('chart')) !== 0;
  }
  // the cluster pass: CLUSTER_SPECS, narrowed by any path pattern given to Jest
  const patterns = jestArgs.filter((a) => !a.startsWith('-'));
  const clusterSpecs = skipCluster ? [] : CLUSTER_SPECS.filter((f) => patterns.length === 0 || patterns.some((p) => new RegExp(p).test(path.join(root, f))));
  if (!onlyUnit) {
    await must('infrastructure', process.execPath, ['tools/infra/infra.mjs', 'up']);
    // the video and browser tests run ffmpeg/ffprobe and Chromium; installed from Debian when missing
    await must('Debian packages', process.execPath, ['tools/infra/debian-packages.mjs', 'ffmpeg', 'chromium', 'fonts-liberation']);
    if (clusterSpecs.length) await must('redis cluster', process.execPath, ['tools/infra/infra.mjs', 'up', 'redis-cluster']);
    await must('build every app (nx build)', npx('nx'), ['run-many', '-t', 'build', '--outputStyle=stream'], runEnv);
    step(`database ${testDb}`);
    await withPg((c) => c.query(`CREATE DATABASE "${testDb}"`));
    try {
      await must('migrations', npx('nx'), ['run-many', '-t', 'migrate', '--parallel=1', '--outputStyle=stream'], runEnv);
      step('integration tests (real Kafka, Redis, Postgres)');
      failed ||= (await jest('integration', ['--runInBand'])) !== 0;
      if (clusterSpecs.length) {
        step(`integration tests again on the Redis Cluster (${clusterSpecs.length} files)`);
        // own topics and groups (still under this run's prefix, so the clean-up finds them)
        const clusterEnv = { ...runEnv, REDIS_CLUSTER_NODES: CLUSTER_NODES, KAFKA_TOPIC_PREFIX: `${runEnv.KAFKA_TOPIC_PREFIX}cluster.` };
        const flagsOnly = jestArgs.filter((a) => a.startsWith('-'));
        // runs even when the first pass failed (`failed ||= await ...` would skip it)
        const code = await jest('integration', ['--runInBand', ...clusterSpecs.map((f) => path.join(root, f))], clusterEnv, flagsOnly);
        failed ||= code !== 0;
      }
    } finally {
      if (!flags.has('--keep-data')) await cleanUp({ cluster: clusterSpecs.length > 0 });
    }
  }
  return failed;
}

main()
  .then((failed) => {
    // the plain closing line CI reads, whatever the runners printed above it
    console.log(`\nnpm test finished in ${elapsed()}`);
    console.log(`${tally.passed} passed, ${tally.failed} failed, ${tally.skipped} skipped`);
    process.exit(failed || tally.failed > 0 ? 1 : 0);
  })
  .catch((err) => {
    console.error(`\nnpm test stopped: ${err.message}`);
    console.log(`${tally.passed} passed, ${Math.max(tally.failed, 1)} failed, ${tally.skipped} skipped`);
    process.exit(err.exitCode || 1);
  });

