#!/usr/bin/env node
// `npm test`: the whole suite on a fresh machine or a used one.
//   install (if needed) -> infra up -> lint -> type-check -> unit tests -> build every app
//   -> a database of this run's own + migrations -> integration tests -> clean-up
// Isolation: this run gets its own Redis phase, Postgres database and Kafka topic/group
// prefix, so a running dev stack (or another test run) never sees its data.
//
// Options: --only-unit, --only-integration, --skip-lint, --keep-data; anything after `--`
// goes to Jest (e.g. `npm test -- --only-integration -- apps/message-api`).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const argv = process.argv.slice(2);
const dashdash = argv.indexOf('--');
const flags = new Set(dashdash >= 0 ? argv.slice(0, dashdash) : argv);
const jestArgs = dashdash >= 0 ? argv.slice(dashdash + 1) : [];
const onlyUnit = flags.has('--only-unit');
const onlyIntegration = flags.has('--only-integration');

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

async function cleanUp() {
  step(`clean-up of run ${runId}`);
  await withPg((c) => c.query(`DROP DATABASE IF EXISTS "${testDb}" WITH (FORCE)`)).catch((e) => console.error(`drop database: ${e.message}`));
  try {
    const Redis = (await import('ioredis')).default;
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `live|${runEnv.REDIS_PHASE}|*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) deleted += await redis.del(...keys);
    } while (cursor !== '0');
    await redis.quit();
    console.log(`redis: deleted ${deleted} keys of phase ${runEnv.REDIS_PHASE}`);
  } catch (e) {
    console.error(`redis clean-up: ${e.message}`);
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
async function jest(project, extra = []) {
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'live-jest-')), 'results.json');
  const code = await run(npx('jest'), ['-c', 'jest.config.js', '--selectProjects', project, '--json', `--outputFile=${out}`, ...extra, ...jestArgs], runEnv);
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
    step('unit tests');
    failed ||= (await jest('unit')) !== 0;
  }
  if (!onlyUnit) {
    await must('infrastructure', process.execPath, ['tools/infra/infra.mjs', 'up']);
    // the live video tests run ffmpeg/ffprobe and Chromium; installed from Debian when missing
    await must('Debian packages', process.execPath, ['tools/infra/debian-packages.mjs', 'ffmpeg', 'chromium']);
    await must('build every app (nx build)', npx('nx'), ['run-many', '-t', 'build', '--outputStyle=stream'], runEnv);
    step(`database ${testDb}`);
    await withPg((c) => c.query(`CREATE DATABASE "${testDb}"`));
    try {
      await must('migrations', npx('nx'), ['run-many', '-t', 'migrate', '--parallel=1', '--outputStyle=stream'], runEnv);
      step('integration tests (real Kafka, Redis, Postgres)');
      failed ||= (await jest('integration', ['--runInBand'])) !== 0;
    } finally {
      if (!flags.has('--keep-data')) await cleanUp();
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

