#!/usr/bin/env node
// Local infrastructure: a real Kafka broker (KRaft, one node) run from its Maven Central jars,
// and Postgres and Redis -- reused when something already listens on their ports, started
// privately under the data dir otherwise. Every command is idempotent and safe to re-run.
//
//   node tools/infra/infra.mjs up [kafka|postgres|redis|redis-cluster ...]
//   node tools/infra/infra.mjs down [kafka|postgres|redis|redis-cluster ...]   (stops only what it started)
//   node tools/infra/infra.mjs status
// `up` without names: kafka, postgres, redis; `redis-cluster` (a 3-master Redis Cluster on
// REDIS_CLUSTER_PORT.. +2, for REDIS_CLUSTER_NODES) only when named (`npm test` names it).
// `down` without names stops all of them.
//
// Settings (env): LIVE_DATA_DIR (.data), LIVE_CACHE_DIR (.cache), KAFKA_PORT (9092),
// KAFKA_CONTROLLER_PORT (9093), KAFKA_HEAP (512m), PGPORT (5432), REDIS_PORT (6379),
// REDIS_CLUSTER_PORT (7101), DATABASE_URL (postgres://postgres@127.0.0.1:5432/live).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync, chownSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { usage } from '../lib/usage.mjs';
import { kafkajs } from '../lib/kafkajs.mjs';

usage(import.meta.url);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DATA_DIR = path.resolve(root, process.env.LIVE_DATA_DIR ?? '.data');
const CACHE_DIR = path.resolve(root, process.env.LIVE_CACHE_DIR ?? '.cache');
const KAFKA_PORT = Number(process.env.KAFKA_PORT ?? 9092);
const CONTROLLER_PORT = Number(process.env.KAFKA_CONTROLLER_PORT ?? 9093);
const PG_PORT = Number(process.env.PGPORT ?? 5432);
const REDIS_PORT = Number(process.env.REDIS_PORT ?? 6379);
const REDIS_CLUSTER_PORT = Number(process.env.REDIS_CLUSTER_PORT ?? 7101);
const REDIS_CLUSTER_PORTS = [0, 1, 2].map((i) => REDIS_CLUSTER_PORT + i);
const DATABASE_URL = process.env.DATABASE_URL ?? `postgres://postgres@127.0.0.1:${PG_PORT}/live`;
const HOST = '127.0.0.1';

const kafkaPom = path.join(root, 'tools/kafka/pom.xml');
const KAFKA_VERSION = /<kafka.version>([^<]+)</.exec(readFileSync(kafkaPom, 'utf8'))[1];
const kafkaLibs = path.join(CACHE_DIR, 'kafka', KAFKA_VERSION, 'libs');
const kafkaDir = path.join(DATA_DIR, 'kafka');
const pgDir = path.join(DATA_DIR, 'postgres');
const redisDir = path.join(DATA_DIR, 'redis');
const redisClusterDir = path.join(DATA_DIR, 'redis-cluster');

const log = (msg) => console.log(`[infra] ${msg}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function portOpen(port, host = HOST, timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function waitFor(what, check, timeoutMs, everyMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let lastNote = 0;
  while (Date.now() < deadline) {
    if (await check()) return;
    if (Date.now() - lastNote > 5_000) {
      lastNote = Date.now();
      log(`waiting for ${what}...`);
    }
    await sleep(everyMs);
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms`);
}

function readPid(file) {
  try {
    // first line: postmaster.pid holds more lines after the pid
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0].trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const isRoot = () => process.getuid?.() === 0;

let aptUpdated = false;
function aptInstall(pkgs) {
  if (!isRoot()) throw new Error(`missing ${pkgs.join(', ')}: install them (apt-get install ${pkgs.join(' ')}) or run as root`);
  if (!aptUpdated) {
    log('apt-get update');
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    aptUpdated = true;
  }
  log(`apt-get install ${pkgs.join(' ')}`);
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

function render(template, target) {
  const text = readFileSync(path.join(root, 'tools/kafka', template), 'utf8')
    .replaceAll('${DATA_DIR}', DATA_DIR)
    .replaceAll('${KAFKA_PORT}', String(KAFKA_PORT))
    .replaceAll('${CONTROLLER_PORT}', String(CONTROLLER_PORT));
  writeFileSync(target, text);
}

// ---------------------------------------------------------------- kafka

function ensureKafkaJars() {
  const marker = path.join(kafkaLibs, '.complete');
  if (existsSync(marker)) return;
  if (!which('java')) aptInstall(['openjdk-17-jre-headless']);
  if (!which('mvn')) aptInstall(['maven']);
  log(`fetching Kafka ${KAFKA_VERSION} and its runtime dependencies from Maven Central into ${path.relative(root, kafkaLibs)} (first run only)`);
  rmSync(kafkaLibs, { recursive: true, force: true });
  mkdirSync(kafkaLibs, { recursive: true });
  execFileSync(
    'mvn',
    ['-B', '-q', '-f', kafkaPom, 'dependency:copy-dependencies', `-DoutputDirectory=${kafkaLibs}`, '-DincludeScope=runtime'],
    { stdio: 'inherit' },
  );
  const jars = readdirSync(kafkaLibs).filter((f) => f.endsWith('.jar'));
  if (!jars.some((j) => j.startsWith(`kafka_2.13-${KAFKA_VERSION}`))) throw new Error('Kafka jar missing after mvn');
  writeFileSync(marker, `${jars.length} jars\n`);
  log(`fetched ${jars.length} jars`);
}

function java(args) {
  return ['-cp', `${kafkaLibs}/*`, ...args];
}

function ensureKafkaStorage() {
  mkdirSync(kafkaDir, { recursive: true });
  render('server.properties.template', path.join(kafkaDir, 'server.properties'));
  render('log4j2.yaml.template', path.join(kafkaDir, 'log4j2.yaml'));
  if (existsSync(path.join(kafkaDir, 'data', 'meta.properties'))) return;
  const clusterId = execFileSync('java', java(['kafka.tools.StorageTool', 'random-uuid']), { encoding: 'utf8' }).trim().split('\n').pop();
  log(`formatting Kafka storage (cluster ${clusterId})`);
  execFileSync(
    'java',
    [
      `-Dlog4j2.configurationFile=${path.join(kafkaDir, 'log4j2.yaml')}`,
      ...java(['kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', path.join(kafkaDir, 'server.properties')]),
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

async function kafkaAnswers() {
  if (!(await portOpen(KAFKA_PORT))) return false;
  try {
    const { Kafka, logLevel } = await kafkajs();
    const admin = new Kafka({ brokers: [`${HOST}:${KAFKA_PORT}`], clientId: 'infra', logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    await admin.connect();
    await admin.describeCluster();
    await admin.disconnect();
    return true;
  } catch {
    return false;
  }
}

const kafkaPidFile = () => path.join(kafkaDir, 'kafka.pid');

async function kafkaUp() {
  const pid = readPid(kafkaPidFile());
  if (alive(pid) && (await portOpen(KAFKA_PORT))) return log(`kafka: running (pid ${pid}, ${HOST}:${KAFKA_PORT})`);
  if (!alive(pid) && (await portOpen(KAFKA_PORT))) return log(`kafka: reusing the broker already listening on ${HOST}:${KAFKA_PORT}`);
  ensureKafkaJars();
  ensureKafkaStorage();
  if (!alive(pid)) {
    const out = openSync(path.join(kafkaDir, 'kafka.out'), 'a');
    const heap = process.env.KAFKA_HEAP ?? '512m';
    const child = spawn(
      'java',
      [
        `-Xms${heap}`,
        `-Xmx${heap}`,
        '-XX:+UseG1GC',
        '-XX:MaxGCPauseMillis=20',
        '-Djava.awt.headless=true',
        `-Dlog4j2.configurationFile=${path.join(kafkaDir, 'log4j2.yaml')}`,
        ...java(['kafka.Kafka', path.join(kafkaDir, 'server.properties')]),
      ],
      { detached: true, stdio: ['ignore', out, out] },
    );
    child.unref();
    closeSync(out);
    writeFileSync(kafkaPidFile(), `${child.pid}\n`);
    log(`kafka: starting ${KAFKA_VERSION} (pid ${child.pid}); log ${path.relative(root, path.join(kafkaDir, 'kafka.log'))}`);
  }
  await waitFor('kafka', async () => {
    if (!alive(readPid(kafkaPidFile()))) throw new Error(`kafka exited; see ${path.join(kafkaDir, 'kafka.out')} and kafka.log`);
    return kafkaAnswers();
  }, 90_000, 500);
  log(`kafka: ready on ${HOST}:${KAFKA_PORT}`);
}

async function stopPid(name, pidFile, { timeoutMs = 30_000 } = {}) {
  const pid = readPid(pidFile);
  if (!alive(pid)) {
    rmSync(pidFile, { force: true });
    return log(`${name}: not running (nothing of ours to stop)`);
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (alive(pid) && Date.now() < deadline) await sleep(200);
  if (alive(pid)) {
    log(`${name}: did not stop in ${timeoutMs} ms, killing`);
    process.kill(pid, 'SIGKILL');
  }
  rmSync(pidFile, { force: true });
  log(`${name}: stopped (pid ${pid})`);
}

const kafkaDown = () => stopPid('kafka', kafkaPidFile());

// ---------------------------------------------------------------- postgres

function pgBin(name) {
  const found = which(name);
  if (found) return found;
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    for (const v of readdirSync(base).sort().reverse()) {
      const p = path.join(base, v, 'bin', name);
      if (existsSync(p)) return p;
    }
  }
  return undefined;
}

// initdb and postgres refuse to run as root: run them as the postgres user then.
function asPgUser(cmd, args) {
  if (!isRoot()) return execFileSync(cmd, args, { stdio: 'inherit' });
  return execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'inherit' });
}

async function ensureDatabase() {
  const url = new URL(DATABASE_URL);
  const dbName = decodeURIComponent(url.pathname.slice(1)) || 'live';
  const pg = (await import('pg')).default;
  const admin = new pg.Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
    if (!rowCount) {
      await admin.query(`CREATE DATABASE "${dbName.replaceAll('"', '""')}"`);
      log(`postgres: created database ${dbName}`);
    }
  } finally {
    await admin.end();
  }
}

async function postgresUp() {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  if (await portOpen(PG_PORT)) {
    log(alive(readPid(pidFile)) ? `postgres: running (ours, ${HOST}:${PG_PORT})` : `postgres: reusing the server on ${HOST}:${PG_PORT}`);
  } else {
    if (!pgBin('initdb') || !pgBin('pg_ctl')) aptInstall(['postgresql']);
    const initdb = pgBin('initdb');
    const pgCtl = pgBin('pg_ctl');
    mkdirSync(pgDir, { recursive: true });
    if (isRoot()) chownSync(pgDir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
    if (!existsSync(path.join(pgDir, 'PG_VERSION'))) {
      log(`postgres: initdb ${path.relative(root, pgDir)}`);
      asPgUser(initdb, ['-D', pgDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    }
    log(`postgres: starting a private server on ${HOST}:${PG_PORT}`);
    asPgUser(pgCtl, [
      '-D', pgDir, '-l', path.join(pgDir, 'postgres.log'), '-w', '-t', '60',
      '-o', `-p ${PG_PORT} -k ${pgDir} -c listen_addresses=${HOST} -c fsync=off -c max_connections=300`,
      'start',
    ]);
  }
  await waitFor('postgres', () => portOpen(PG_PORT), 30_000);
  await ensureDatabase();
}

async function postgresDown() {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  if (!alive(readPid(pidFile))) return log('postgres: not ours or not running (left alone)');
  asPgUser(pgBin('pg_ctl'), ['-D', pgDir, '-m', 'fast', '-w', 'stop']);
  log('postgres: stopped');
}

// ---------------------------------------------------------------- redis

async function redisUp() {
  const pidFile = path.join(redisDir, 'redis.pid');
  if (await portOpen(REDIS_PORT)) {
    return log(alive(readPid(pidFile)) ? `redis: running (ours, ${HOST}:${REDIS_PORT})` : `redis: reusing the server on ${HOST}:${REDIS_PORT}`);
  }
  if (!which('redis-server')) aptInstall(['redis-server']);
  mkdirSync(redisDir, { recursive: true });
  log(`redis: starting a private server on ${HOST}:${REDIS_PORT}`);
  execFileSync('redis-server', [
    '--daemonize', 'yes', '--bind', HOST, '--port', String(REDIS_PORT), '--dir', redisDir,
    '--pidfile', pidFile, '--logfile', path.join(redisDir, 'redis.log'), '--save', '', '--appendonly', 'no',
    // big values (an hour's heart answers of a show) freed off the main thread, as k8s/redis/redis.yaml sets
    '--lazyfree-lazy-expire', 'yes', '--lazyfree-lazy-user-del', 'yes',
  ]);
  await waitFor('redis', () => portOpen(REDIS_PORT), 15_000);
}

const redisDown = () => stopPid('redis', path.join(redisDir, 'redis.pid'));

// ---------------------------------------------------------------- redis cluster
// Three masters, no replicas: enough for keys to spread over nodes (CROSSSLOT, MOVED and
// cross-node pub/sub all happen), small enough for a laptop and CI.

const clusterNodePid = (port) => path.join(redisClusterDir, String(port), 'redis.pid');

function clusterInfo(port) {
  const r = spawnSync('redis-cli', ['-h', HOST, '-p', String(port), 'cluster', 'info'], { encoding: 'utf8', timeout: 5_000 });
  if (r.status !== 0) return {};
  return Object.fromEntries(r.stdout.split(/\r?\n/).filter(Boolean).map((l) => l.split(':')));
}

/** every node says ok and knows all three masters with all 16384 slots */
function clusterHealthy() {
  return REDIS_CLUSTER_PORTS.every((p) => {
    const info = clusterInfo(p);
    return info.cluster_state === 'ok' && info.cluster_slots_assigned === '16384' && Number(info.cluster_known_nodes) >= REDIS_CLUSTER_PORTS.length;
  });
}

async function redisClusterUp() {
  const open = await Promise.all(REDIS_CLUSTER_PORTS.map((p) => portOpen(p)));
  if (open.every(Boolean) && clusterHealthy()) {
    const ours = REDIS_CLUSTER_PORTS.every((p) => alive(readPid(clusterNodePid(p))));
    const where = `${HOST}:${REDIS_CLUSTER_PORTS.join(',')}`;
    return log(ours ? `redis-cluster: running (ours, ${where})` : `redis-cluster: reusing the cluster on ${where}`);
  }
  if (!which('redis-server') || !which('redis-cli')) aptInstall(['redis-server', 'redis-tools']);
  for (const [i, port] of REDIS_CLUSTER_PORTS.entries()) {
    if (open[i]) continue;
    const dir = path.join(redisClusterDir, String(port));
    mkdirSync(dir, { recursive: true });
    log(`redis-cluster: starting node ${HOST}:${port}`);
    execFileSync('redis-server', [
      '--daemonize', 'yes', '--bind', HOST, '--port', String(port), '--dir', dir,
      '--pidfile', clusterNodePid(port), '--logfile', path.join(dir, 'redis.log'), '--save', '', '--appendonly', 'no',
      '--lazyfree-lazy-expire', 'yes', '--lazyfree-lazy-user-del', 'yes',
      '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '5000',
    ]);
  }
  await waitFor('redis-cluster nodes', async () => (await Promise.all(REDIS_CLUSTER_PORTS.map((p) => portOpen(p)))).every(Boolean), 15_000);
  // fresh nodes own no slots: form the cluster; nodes restarted from their nodes.conf re-form it themselves
  if (REDIS_CLUSTER_PORTS.every((p) => clusterInfo(p).cluster_slots_assigned === '0')) {
    log('redis-cluster: creating the cluster (3 masters, no replicas)');
    execFileSync('redis-cli', ['--cluster', 'create', ...REDIS_CLUSTER_PORTS.map((p) => `${HOST}:${p}`), '--cluster-replicas', '0', '--cluster-yes'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  await waitFor('redis-cluster state ok', () => clusterHealthy(), 30_000).catch((err) => {
    throw new Error(`${err.message}: a half-formed cluster? \`node tools/infra/infra.mjs down redis-cluster\` and remove ${path.relative(root, redisClusterDir)}, then up again`);
  });
  log(`redis-cluster: ready on ${HOST}:${REDIS_CLUSTER_PORTS.join(',')} (REDIS_CLUSTER_NODES=${REDIS_CLUSTER_PORTS.map((p) => `${HOST}:${p}`).join(',')})`);
}

async function redisClusterDown() {
  for (const port of REDIS_CLUSTER_PORTS) await stopPid(`redis-cluster node ${port}`, clusterNodePid(port));
}

// ---------------------------------------------------------------- commands

const services = {
  postgres: { up: postgresUp, down: postgresDown, port: PG_PORT, pidFile: path.join(pgDir, 'postmaster.pid') },
  redis: { up: redisUp, down: redisDown, port: REDIS_PORT, pidFile: path.join(redisDir, 'redis.pid') },
  kafka: { up: kafkaUp, down: kafkaDown, port: KAFKA_PORT, pidFile: kafkaPidFile() },
  'redis-cluster': { up: redisClusterUp, down: redisClusterDown, port: REDIS_CLUSTER_PORT, pidFile: clusterNodePid(REDIS_CLUSTER_PORT), optional: true },
};

async function status() {
  let allUp = true;
  for (const [name, s] of Object.entries(services)) {
    const up = s.optional ? (await Promise.all(REDIS_CLUSTER_PORTS.map((p) => portOpen(p)))).every(Boolean) && clusterHealthy() : await portOpen(s.port);
    if (!s.optional) allUp &&= up;
    const pid = readPid(s.pidFile);
    const owner = alive(pid) ? `ours, pid ${pid}` : 'external';
    const where = s.optional ? REDIS_CLUSTER_PORTS.map((p) => `${HOST}:${p}`).join(',') : `${HOST}:${s.port}`;
    console.log(`${name.padEnd(13)} ${up ? 'up  ' : 'down'} ${where}${up ? ` (${owner})` : ''}`);
  }
  console.log(`kafka jars: ${existsSync(path.join(kafkaLibs, '.complete')) ? path.relative(root, kafkaLibs) : 'not fetched yet'}`);
  console.log(`data dir:   ${path.relative(root, DATA_DIR) || DATA_DIR}`);
  return allUp;
}

async function main() {
  const [command = 'status', ...names] = process.argv.slice(2);
  // `up` starts the cluster only when named; `down` stops it too (only what tools/ started)
  const selected = names.length ? names : Object.keys(services).filter((n) => command === 'down' || !services[n].optional);
  for (const n of selected) if (!services[n]) throw new Error(`unknown service ${n} (${Object.keys(services).join(', ')})`);
  if (command === 'up') {
    for (const n of selected) await services[n].up();
  } else if (command === 'down') {
    for (const n of [...selected].reverse()) await services[n].down();
  } else if (command === 'status') {
    process.exitCode = (await status()) ? 0 : 3;
  } else {
    throw new Error(`unknown command ${command}: up, down or status`);
  }
}

main().catch((err) => {
  console.error(`[infra] ${err.message}`);
  process.exit(1);
});

