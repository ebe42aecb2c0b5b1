// What `npm run chaos` and `npm run soak` share: the whole platform started on PRIVATE
// infrastructure (its own Kafka broker, Postgres cluster and Redis server on other ports,
// under .data/chaos), so killing a broker or restarting Redis never touches the servers
// other runs on this machine use; plus the run's own database, Redis phase and topic prefix
// (tools/bench/lib.mjs) and the infrastructure faults themselves.
//
// Settings (env): CHAOS_KAFKA_PORT (19092; its controller on +1), CHAOS_PGPORT (15432),
// CHAOS_REDIS_PORT (16379), CHAOS_DATA_DIR (.data/chaos).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { benchRun, freePort, root, sleep } from '../bench/lib.mjs';

const require = createRequire(import.meta.url);
const Redis = require('ioredis');

export const APPS = ['management-api', 'message-api', 'ws-gateway', 'burst-api', 'analytics', 'encoder-orchestrator', 'message-processor'];
/** apps run as two processes, as two pods behind a Service */
export const REPLICATED = ['ws-gateway', 'burst-api'];

const kafkaPort = Number(process.env.CHAOS_KAFKA_PORT ?? 19092);
const pgPort = Number(process.env.CHAOS_PGPORT ?? 15432);
const redisPort = Number(process.env.CHAOS_REDIS_PORT ?? 16379);
const dataDir = path.resolve(root, process.env.CHAOS_DATA_DIR ?? '.data/chaos');

/** the environment tools/infra/infra.mjs and the apps see: every server private to this tool */
export const infraEnv = {
  LIVE_DATA_DIR: dataDir,
  KAFKA_PORT: String(kafkaPort),
  KAFKA_CONTROLLER_PORT: String(kafkaPort + 1),
  PGPORT: String(pgPort),
  REDIS_PORT: String(redisPort),
  DATABASE_URL: `postgres://postgres@127.0.0.1:${pgPort}/live`,
  REDIS_URL: `redis://127.0.0.1:${redisPort}`,
  KAFKA_BROKERS: `127.0.0.1:${kafkaPort}`,
};
// set before benchRun() reads them, and inherited by infra.mjs and the apps
Object.assign(process.env, infraEnv);
delete process.env.REDIS_CLUSTER_NODES;

// async: the load goes on while a server comes back
function sh(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], ...opts });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}`))));
  });
}
const infra = (...args) => sh(process.execPath, ['tools/infra/infra.mjs', ...args]);
const pidOf = (file) => {
  try {
    return Number(readFileSync(file, 'utf8').split('\n')[0].trim()) || undefined;
  } catch {
    return undefined;
  }
};
const kafkaPid = () => pidOf(path.join(dataDir, 'kafka', 'kafka.pid'));
const pgDir = path.join(dataDir, 'postgres');
function pgCtl(...args) {
  const bin = spawnSync('sh', ['-c', 'command -v pg_ctl'], { encoding: 'utf8' }).stdout.trim() ||
    readdirSync('/usr/lib/postgresql').map((v) => `/usr/lib/postgresql/${v}/bin/pg_ctl`).find(existsSync);
  const cmd = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  return sh(cmd[0], cmd[1], { stdio: 'ignore' });
}
const redisCli = (...args) => spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(redisPort), ...args], { encoding: 'utf8' });

/** infrastructure faults, each on the private servers only */
export const infraFaults = {
  async kafkaKill9() {
    process.kill(kafkaPid(), 'SIGKILL');
    await sleep(2_000);
    await infra('up', 'kafka');
  },
  async kafkaPause(seconds = 10) {
    const pid = kafkaPid();
    process.kill(pid, 'SIGSTOP');
    await sleep(seconds * 1000);
    process.kill(pid, 'SIGCONT');
  },
  /** SHUTDOWN SAVE writes the dataset; the new server loads it: a restart that keeps the data */
  async redisRestart() {
    redisCli('shutdown', 'save');
    await sleep(1_000);
    await infra('up', 'redis');
  },
  /** the server goes away with everything it held (no persistence, as infra runs it) */
  async redisDataLoss() {
    redisCli('shutdown', 'nosave');
    rmSync(path.join(dataDir, 'redis', 'dump.rdb'), { force: true });
    await sleep(1_000);
    await infra('up', 'redis');
  },
  async postgresRestart() {
    await pgCtl('-D', pgDir, '-m', 'fast', '-w', '-t', '60', 'restart');
  },
};
export const kafkaProcess = kafkaPid;

/**
 * Starts the private infrastructure, builds and migrates, and starts the seven apps (two of
 * each in REPLICATED). Returns the run (tools/bench/lib.mjs) plus `procs` (name -> handles),
 * `restart(handle, signal)` (ends a process with that signal and starts it again on the same
 * port, as a supervisor would) and `stopAll()`.
 */
export async function startPlatform(tool, log, extraEnv = {}) {
  const run = benchRun(tool, { LOG_LEVEL: 'warn', ...extraEnv });
  mkdirSync(path.join(dataDir, 'logs'), { recursive: true });
  log('private infrastructure (Kafka, Postgres, Redis on their own ports and data dir), build, migrations');
  await run.prepare(APPS, APPS.filter((a) => !['message-api', 'ws-gateway'].includes(a)));
  const storage = path.join(dataDir, 'encoder', run.runId);
  mkdirSync(storage, { recursive: true });
  const extraFor = async (name) =>
    name === 'encoder-orchestrator' ? { ENCODER_STORAGE_DIR: storage, ENCODER_RTMP_PORT: String(await freePort()), ENCODER_REPLICA_ID: `${tool}-${run.runId}` } : {};
  const logFd = (name, i) => openSync(path.join(dataDir, 'logs', `${run.runId}-${name}-${i}.log`), 'a');
  const procs = new Map();
  for (const name of APPS) {
    const n = REPLICATED.includes(name) ? 2 : 1;
    const handles = [];
    for (let i = 0; i < n; i++) handles.push(await run.startApp(name, await extraFor(name), { logFile: logFd(name, i) }));
    procs.set(name, handles);
    log(`${name}: ${handles.map((h) => h.url).join(', ')}`);
  }
  const unexpected = [];
  const watch = (h) => h.child.once('exit', (code, signal) => !h.expectedExit && unexpected.push({ app: h.name, code, signal, at: new Date().toISOString() }));
  for (const hs of procs.values()) hs.forEach(watch);

  async function restart(handle, signal) {
    handle.expectedExit = true;
    const gone = new Promise((r) => (handle.child.exitCode !== null || handle.child.signalCode !== null ? r() : handle.child.once('exit', r)));
    handle.child.kill(signal);
    const killAfter = setTimeout(() => handle.child.kill('SIGKILL'), 30_000);
    await gone;
    clearTimeout(killAfter);
    run.apps.splice(run.apps.indexOf(handle), 1);
    const list = procs.get(handle.name);
    const fresh = await run.startApp(handle.name, handle.extra, { port: handle.port, logFile: handle.opts.logFile });
    watch(fresh);
    list[list.indexOf(handle)] = fresh;
    return fresh;
  }

  /** apps that died on their own are started again (a supervisor's job), and reported */
  async function reviveDead() {
    for (const list of procs.values()) for (const h of [...list]) if (h.child.exitCode !== null || h.child.signalCode !== null) await restart(h, 'SIGKILL');
  }

  const allReady = async () => {
    for (const list of procs.values())
      for (const h of list) {
        try {
          if ((await fetch(`${h.url}/health/ready`, { signal: AbortSignal.timeout(2_000) })).status !== 200) return false;
        } catch {
          return false;
        }
      }
    return true;
  };

  async function stopAll({ keepInfra = false } = {}) {
    for (const list of procs.values()) for (const h of list) h.expectedExit = true;
    const redis = new Redis(infraEnv.REDIS_URL, { maxRetriesPerRequest: 2 });
    await run.cleanUp(redis).catch((e) => log(`clean-up: ${e.message}`));
    redis.disconnect();
    rmSync(storage, { recursive: true, force: true });
    if (!keepInfra) await infra('down', 'kafka', 'postgres', 'redis');
  }

  const url = (name, i = 0) => procs.get(name)[i % procs.get(name).length].url;
  return { ...run, procs, url, restart, reviveDead, allReady, stopAll, unexpected };
}
