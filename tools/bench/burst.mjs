#!/usr/bin/env node
// npm run bench:burst -- heart taps through a 30x spike, with a coupon drop in the spike and
// then drops alone (the same claimers, a new coupon each: a show's audience), then a baseline in the same run: one request per tap doing UPDATE ... SET count = count + 1
// in Postgres. Starts what it needs (its own database, Redis phase and topic prefix), prints
// a summary and writes bench/results/burst.json. Traffic goes to 127.0.0.1 only.
//
// Settings (env): BENCH_RATE (steady heart batches/s, 500; the spike is 30x), BENCH_STEADY_SECONDS (10),
// BENCH_SECONDS (spike length, 60), BENCH_WORKERS (2 load processes), BENCH_USERS (viewers tapping;
// default the spike rate, so each sends one batch a second in the spike, as the SDK's 1 s window does),
// BENCH_TRANSPORT (ws: heart batches over burst-api's plain websocket /v1/ws, one per viewer, as
// the viewer SDK sends them, and coupon claims over the claimers' websockets; socket: the same over
// burst-api's socket.io channel, for clients of an SDK before it moved to /v1/ws; http: POST
// /hearts and POST /claims),
// BENCH_COUPON_STOCK (1000), BENCH_CLAIMERS (5000), BENCH_CLAIM_RATE (claims offered per second in a
// drop, 20000: every claimer within a quarter second, as a flash sale's first instant; the rate a
// drop is answered at is claimers / (first claim sent to last answer)), BENCH_CLAIM_DROPS (drops
// alone after the spike, 3: the one of median claims a second is reported, each is kept; one drop
// is a fraction of a second, and on a noisy machine one alone varied by half), BENCH_BASELINE_SECONDS (15), BENCH_REPLICAS
// (burst-api processes, 2: as a Service spreads load over pods; each load process talks to one),
// BENCH_FLOOR (1: at the end, the same load against servers that do nothing, bench:burst-floor, so
// the result says what of each figure is burst-api's and what the sockets' on this machine; 0: not).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { benchRun, freePort, num, percentile, resultsDir, root, sleep, writeResult } from './lib.mjs';
import { MAX_CLAIM_DROPS, cpuSampler, dropFigures, load as loadWith, medianDrop, settle, spikeFigures, viewerParams } from './burst-driver.mjs';
import { usage } from '../lib/usage.mjs';

usage(import.meta.url);

const require = createRequire(import.meta.url);
const jwt = require('jsonwebtoken');
const pg = require('pg');
const Redis = require('ioredis');

const params = {
  ...viewerParams(),
  couponStock: num('BENCH_COUPON_STOCK', 1000),
  baselineSeconds: num('BENCH_BASELINE_SECONDS', 15),
  burstReplicas: num('BENCH_REPLICAS', 2),
};
if (!['socket', 'ws', 'http'].includes(params.transport)) {
  console.error(`BENCH_TRANSPORT must be socket, ws or http, not ${JSON.stringify(params.transport)}`);
  process.exit(2);
}
if (!(params.claimDrops >= 1 && params.claimDrops <= MAX_CLAIM_DROPS)) {
  console.error(`BENCH_CLAIM_DROPS must be 1-${MAX_CLAIM_DROPS} (one audience claims in every drop, and burst-api allows a viewer 10 socket claims in 10 s), not ${params.claimDrops}`);
  process.exit(2);
}
const { runId, secret, env, log, apps, startApp, prepare, cleanUp } = benchRun('burst');
const pct = (sorted, p) => {
  const v = percentile(sorted, p);
  return v === null ? null : Number(v.toFixed(1));
};
const children = [];
const load = (opts) => loadWith(opts, { loadProcesses: params.loadProcesses, runId, children });

/**
 * The same load against servers with burst-api's socket layers and nothing behind them
 * (bench:burst-floor, in a process of its own after everything here is idle): the most batches
 * a second and the least latency and CPU per message any server can show on this machine.
 */
function runFloor() {
  log('floor: the same load against echo servers (bench:burst-floor)');
  // not profiled: BENCH_PROFILE is for burst-api's run, and a profiler would slow the floor
  const floorEnv = { ...process.env, BENCH_TRANSPORT: params.transport };
  delete floorEnv.BENCH_PROFILE;
  execFileSync(process.execPath, [path.join(root, 'tools/bench/burst-floor.mjs')], { cwd: root, stdio: 'inherit', env: floorEnv });
  const { result } = JSON.parse(readFileSync(path.join(resultsDir(), 'burst-floor.json'), 'utf8'));
  return result;
}

// The baseline: a plain HTTP server that does one UPDATE per tap in Postgres.
async function baseline(adminUrl) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query('CREATE TABLE bench_hearts (id int PRIMARY KEY, count bigint NOT NULL)');
  await client.query('INSERT INTO bench_hearts VALUES (1, 0)');
  await client.end();
  const pool = new pg.Pool({ connectionString: adminUrl, max: 20 });
  const port = await freePort();
  const server = http.createServer(async (req, res) => {
    req.resume();
    await pool.query('UPDATE bench_hearts SET count = count + 1 WHERE id = 1');
    res.writeHead(200).end();
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const latencies = [];
  let done = 0;
  const until = Date.now() + params.baselineSeconds * 1000;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (Date.now() < until) {
        const t0 = performance.now();
        await new Promise((resolve) => http.request({ host: '127.0.0.1', port, method: 'POST', agent }, (r) => r.resume().on('end', resolve)).end());
        latencies.push(performance.now() - t0);
        done += 1;
      }
    }),
  );
  server.close();
  const counted = Number((await pool.query('SELECT count FROM bench_hearts WHERE id = 1')).rows[0].count);
  await pool.end();
  latencies.sort((a, b) => a - b);
  return { tapsPerSec: Math.round(done / params.baselineSeconds), latencyMs: { p50: pct(latencies, 50), p95: pct(latencies, 95), p99: pct(latencies, 99) }, exact: counted === done };
}

/**
 * What bench:burst reads of burst-api's /metrics, one scrape a replica, summed over the replicas:
 * - `histogram`: its own latency histogram (message in to ack out, burst_socket_message_seconds),
 *   cumulative counts per `<channel> <event>` and bucket bound;
 * - `gc`: its scavenges (nodejs_gc_duration_seconds{kind="minor"}): how many, their seconds, and
 *   how many took up to 50 ms (the bucket bound).
 */
async function serverMetrics(urls) {
  const histogram = {};
  const gc = { scavenges: 0, seconds: 0, upTo50ms: 0, at: Date.now() };
  for (const url of urls) {
    const text = await (await fetch(`${url}/metrics`)).text();
    for (const m of text.matchAll(/^burst_socket_message_seconds_bucket\{([^}]*)\} (\d+)/gm)) {
      const labels = Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
      const bucket = (histogram[`${labels.channel} ${labels.event}`] ??= {});
      bucket[labels.le] = (bucket[labels.le] ?? 0) + Number(m[2]);
    }
    for (const m of text.matchAll(/^nodejs_gc_duration_seconds_(bucket|sum|count)\{([^}]*kind="minor"[^}]*)\} ([\d.e+-]+)/gm)) {
      if (m[1] === 'count') gc.scavenges += Number(m[3]);
      else if (m[1] === 'sum') gc.seconds += Number(m[3]);
      else if (/le="0.05"/.test(m[2])) gc.upTo50ms += Number(m[3]);
    }
  }
  return { histogram, gc };
}

/** Between two serverMetrics `gc` readings: the scavenges, the part of each replica's time it was stopped for them, and those over 50 ms. */
function gcBetween(after, before, replicas) {
  const seconds = ((after.at - before.at) / 1000) * replicas;
  const scavenges = after.scavenges - before.scavenges;
  return {
    scavenges,
    pausedShare: seconds > 0 ? Number(((after.seconds - before.seconds) / seconds).toFixed(3)) : 0,
    over50ms: scavenges - (after.upTo50ms - before.upTo50ms),
  };
}

/** A quantile (ms) of what was observed between two histogram readings, linear within its bucket; '>5000' past the last bound. */
function histogramQuantile(after, before, key, q) {
  const a = after[key] ?? {};
  const b = before[key] ?? {};
  const bounds = Object.keys(a).sort((x, y) => (x === '+Inf' ? 1 : y === '+Inf' ? -1 : Number(x) - Number(y)));
  const counts = bounds.map((le) => a[le] - (b[le] ?? 0));
  const total = counts[counts.length - 1];
  if (!total) return null;
  const target = q * total;
  let lower = 0;
  let below = 0;
  for (let i = 0; i < bounds.length; i++) {
    if (counts[i] >= target) {
      if (bounds[i] === '+Inf') return `>${lower * 1000}`;
      const upper = Number(bounds[i]);
      return Number(((lower + ((upper - lower) * (target - below)) / Math.max(1, counts[i] - below)) * 1000).toFixed(1));
    }
    lower = Number(bounds[i]);
    below = counts[i];
  }
  return null;
}

async function main() {
  log(`run ${runId}: ${JSON.stringify(params)}`);
  await prepare(['management-api', 'burst-api'], ['management-api', 'burst-api']);
  const management = await startApp('management-api');
  const burst = await Promise.all(Array.from({ length: params.burstReplicas }, () => startApp('burst-api')));
  const urls = burst.map((b) => b.url);
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

  const seller = jwt.sign({ sub: 'bench-seller', roles: ['seller'] }, secret, { algorithm: 'HS256' });
  const h = { authorization: `Bearer ${seller}`, 'content-type': 'application/json' };
  const api = (p, body) => fetch(`${management.url}/v1${p}`, { method: 'POST', headers: h, body: body ? JSON.stringify(body) : undefined }).then((r) => r.json());
  const show = (await api('/broadcasts', { title: 'burst bench', scheduledAt: new Date().toISOString() })).id;
  await api(`/broadcasts/${show}/start`);
  const now = Date.now();
  const coupon = (await api(`/broadcasts/${show}/coupons`, { name: 'drop', discountType: 'percent', discountValue: 50, totalQuantity: params.couponStock, validFrom: new Date(now - 60_000).toISOString(), validUntil: new Date(now + 3600_000).toISOString() })).id;
  for (let i = 0; i < 100 && !(await redis.get(`live|${env.REDIS_PHASE}|broadcast:{${show}}:started-at`)); i++) await sleep(100);

  const spike = params.steadyBatchesPerSec * params.spikeFactor;
  const startedAt = Number(await redis.get(`live|${env.REDIS_PHASE}|broadcast:{${show}}:started-at`));
  log(`hearts over ${params.transport}: ${params.users} viewers connecting`);
  const heartsLoad = await load({
    urls, show, secret, mode: 'hearts', users: params.users, transport: params.transport, startedAt,
    schedule: [{ seconds: params.steadySeconds, rate: params.steadyBatchesPerSec }, { seconds: 1, rate: (params.steadyBatchesPerSec + spike) / 2 }, { seconds: params.spikeSeconds, rate: spike }],
  });
  // the claimers are set up now, so the drop starts on time
  const claimsLoad = await load({ urls, show, secret, mode: 'claims', couponId: coupon, users: params.claimers, transport: params.transport, schedule: [{ seconds: params.claimers / params.claimRate, rate: params.claimRate }] });
  log(`hearts: ${params.steadyBatchesPerSec}/s for ${params.steadySeconds} s, then ${spike}/s within 1 s for ${params.spikeSeconds} s; a coupon drop mid-spike`);
  const cpu = cpuSampler(burst.map((b) => b.child.pid));
  const loadCpu = cpuSampler(heartsLoad.pids);
  // what else shares the two cores: Redis (every Lua call runs there) and the Kafka broker
  const redisPid = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]);
  const kafkaPid = (() => {
    try {
      return Number(readFileSync(path.join(root, process.env.LIVE_DATA_DIR ?? '.data', 'kafka', 'kafka.pid'), 'utf8').split('\n')[0].trim());
    } catch {
      return 0; // a broker this checkout did not start
    }
  })();
  const redisCpu = cpuSampler([redisPid].filter(Boolean));
  const kafkaCpu = cpuSampler([kafkaPid].filter(Boolean));
  const metricsBefore = await serverMetrics(urls);
  const go = Date.now() + 100;
  const hearts = heartsLoad.go(go);
  await sleep(go + (params.steadySeconds + 1 + params.spikeSeconds / 3) * 1000 - Date.now());
  await api(`/broadcasts/${show}/coupons/${coupon}/expose`);
  for (let i = 0; i < 100 && (await redis.hget(`live|${env.REDIS_PHASE}|coupon:{${show}}:${coupon}:state`, 'exposed')) !== '1'; i++) await sleep(50);
  const claims = await claimsLoad.go();
  // from the first claim sent to the last answer (the load processes' own clock, not their start-up)
  const claimsSeconds = claims.seconds;
  const heartsResult = await hearts;
  cpu.stop();
  loadCpu.stop();
  redisCpu.stop();
  kafkaCpu.stop();
  await heartsLoad.close();

  // the same drop again with the servers to itself, BENCH_CLAIM_DROPS times: what claims alone
  // sustain. The same audience as the drop in the spike (still connected, as a show's viewers
  // are between its drops), a fresh coupon each time; the drop of median claims a second is reported.
  const channel = params.transport === 'ws' ? 'ws' : 'socket.io';
  /** p50/p99 (ms) inside burst-api, message in to ack out (socket channels only; the rest of a client's latency is the network and the client's own wait for the cores) */
  const server = (after, before, event) =>
    params.transport === 'http' ? null : { p50: histogramQuantile(after, before, `${channel} ${event}`, 0.5), p99: histogramQuantile(after, before, `${channel} ${event}`, 0.99) };
  const metricsSpike = await serverMetrics(urls);
  const drops = [];
  for (let d = 0; d < params.claimDrops; d++) {
    const quiet = (await api(`/broadcasts/${show}/coupons`, { name: `drop ${d + 2}`, discountType: 'percent', discountValue: 50, totalQuantity: params.couponStock, validFrom: new Date(now - 60_000).toISOString(), validUntil: new Date(now + 3600_000).toISOString() })).id;
    await api(`/broadcasts/${show}/coupons/${quiet}/expose`);
    for (let i = 0; i < 100 && (await redis.hget(`live|${env.REDIS_PHASE}|coupon:{${show}}:${quiet}:state`, 'exposed')) !== '1'; i++) await sleep(50);
    // alone means alone: the spike's tail (its viewers leaving, flushes) and the last drop's are over
    const calm = await settle([...burst.map((b) => b.child.pid), management.child.pid]);
    const beforeDrop = await serverMetrics(urls);
    const cpuAlone = cpuSampler(burst.map((b) => b.child.pid));
    const aloneLoadCpu = cpuSampler(claimsLoad.pids);
    // what else works in a drop: management-api (coupon codes, webhooks), Redis, the broker
    const others = { managementApi: cpuSampler([management.child.pid]), redis: cpuSampler([redisPid].filter(Boolean)), kafka: cpuSampler([kafkaPid].filter(Boolean)) };
    const alone = await claimsLoad.go(undefined, { couponId: quiet });
    for (const sampler of [cpuAlone, aloneLoadCpu, ...Object.values(others)]) sampler.stop();
    const drop = dropFigures({ claimers: params.claimers, answers: alone, cpu: cpuAlone, loadCpu: aloneLoadCpu, others, pct });
    drops.push({ ...drop, serverLatencyMs: server((await serverMetrics(urls)).histogram, beforeDrop.histogram, 'coupon.claim'), waitedForQuietMs: calm.waitedMs });
    log(`drop alone ${d + 1}/${params.claimDrops}: ${drop.perSec} claims/s, p99 ${drop.latencyMs.p99} ms, ${drop.cpuMicrosPerClaim} µs a claim (after ${calm.waitedMs} ms for the servers to go quiet${calm.quiet ? '' : ', and they did not'})`);
  }
  await claimsLoad.close();
  const alone = medianDrop(drops);

  const redisTotal = Number(await redis.get(`live|${env.REDIS_PHASE}|broadcast:{${show}}:hearts`));
  const won = claims.statuses['201'] ?? 0;
  const remaining = Number(await redis.hget(`live|${env.REDIS_PHASE}|coupon:{${show}}:${coupon}:state`, 'remaining'));
  await api(`/broadcasts/${show}/end`);
  const dbc = new pg.Client({ connectionString: env.DATABASE_URL });
  await dbc.connect();
  let flushed = null;
  for (let i = 0; i < 200 && flushed === null; i++) {
    const r = await dbc.query('SELECT total FROM burst.hearts_totals WHERE broadcast_id = $1', [show]);
    if (r.rows.length) flushed = Number(r.rows[0].total);
    else await sleep(100);
  }
  const errors = Object.entries(heartsResult.statuses).filter(([s]) => s !== '200').reduce((n, [, c]) => n + c, 0);
  // what the servers answered while the spike was held (its first second is the step), burst-api's CPU per batch, the latencies
  const spikeRun = spikeFigures({ hearts: heartsResult, drop: claims, cpu, loadCpu, steadySeconds: params.steadySeconds, spikeSeconds: params.spikeSeconds, pct });
  const { heldFrom, heldTo, batchesPerSec } = spikeRun;
  const result = {
    batchesPerSec,
    transport: params.transport,
    cpuMicrosPerBatch: spikeRun.cpuMicrosPerBatch,
    cpuMicrosPerBatchOutsideDrop: spikeRun.cpuMicrosPerBatchOutsideDrop,
    cpuCores: spikeRun.cpuCores,
    loadCpuCores: spikeRun.loadCpuCores,
    /** Redis and the Kafka broker, in cores, while the spike was held (0 where the process is not this machine's) */
    redisCpuCores: Number((redisCpu.between(heldFrom, heldTo) / Math.max(1, spikeRun.held.length)).toFixed(2)),
    kafkaCpuCores: Number((kafkaCpu.between(heldFrom, heldTo) / Math.max(1, spikeRun.held.length)).toFixed(2)),
    answeredPerSecond: heartsResult.perSecond,
    spikeTargetBatchesPerSec: spike,
    tapsPerSec: Math.round((batchesPerSec * heartsResult.taps) / Math.max(1, heartsResult.statuses['200'] ?? 0)),
    latencyMs: spikeRun.latencyMs,
    serverLatencyMs: server(metricsSpike.histogram, metricsBefore.histogram, 'hearts.batch'),
    latencyMsOutsideDrop: spikeRun.latencyMsOutsideDrop,
    /**
     * scavenges from the steady start to the spike's end (the drop in it included): burst-api's
     * replicas (from their /metrics) and the heart viewers' load processes. A message that
     * waits on either's pause is answered, or timed, that much later.
     */
    gc: { burstApi: gcBetween(metricsSpike.gc, metricsBefore.gc, urls.length), load: heartsResult.gc },
    errors,
    /** batches the schedule wanted sent that the client held back (20,000 in flight) */
    unsent: heartsResult.unsent,
    /** batches not sent because the viewer's previous one was unanswered (an honest client waits) */
    held: heartsResult.held,
    statuses: heartsResult.statuses,
    exact: heartsResult.taps === redisTotal && redisTotal === flushed,
    acceptedTaps: heartsResult.taps,
    redisTotal,
    flushedTotal: flushed,
    /** the coupon drop with nothing else running (the median of BENCH_CLAIM_DROPS drops: `drops` has each), and the one during the heart spike */
    claims: {
      perSec: alone.perSec,
      latencyMs: alone.latencyMs,
      serverLatencyMs: alone.serverLatencyMs,
      cpuMicrosPerClaim: alone.cpuMicrosPerClaim,
      /** the claimers' load processes, CPU µs per claim (they share the machine) */
      loadCpuMicrosPerClaim: alone.loadCpuMicrosPerClaim,
      drops: drops.map(({ statuses, ...d }) => ({ ...d, won: statuses['201'] ?? 0 })),
      offeredPerSec: params.claimRate,
      duringSpike: { perSec: Math.round(params.claimers / claimsSeconds), latencyMs: { p50: pct(claims.latencies, 50), p99: pct(claims.latencies, 99) }, serverLatencyMs: server(metricsSpike.histogram, metricsBefore.histogram, 'coupon.claim') },
    },
    coupons: {
      claimsPerSec: Math.round(params.claimers / claimsSeconds),
      latencyMs: { p50: pct(claims.latencies, 50), p99: pct(claims.latencies, 99) },
      won,
      remaining,
      oversold: [won, ...drops.map((d) => d.statuses['201'] ?? 0)].reduce((n, w) => n + Math.max(0, w - params.couponStock), 0),
      statuses: claims.statuses,
      /** the median drop after the spike: 5,000 claims with nothing else running */
      alone: { claimsPerSec: alone.perSec, won: alone.statuses['201'] ?? 0, latencyMs: alone.latencyMs, statuses: alone.statuses },
    },
  };
  log(`result: ${JSON.stringify(result)}`);

  log(`baseline: one request per tap, UPDATE ... SET count = count + 1, ${params.baselineSeconds} s`);
  const base = await baseline(env.DATABASE_URL);
  log(`baseline: ${JSON.stringify(base)}`);

  const floor = process.env.BENCH_FLOOR === '0' || params.transport === 'http' ? null : runFloor();

  writeResult('burst', {
    params,
    result,
    baseline: base,
    ratio: base.tapsPerSec ? Number((result.tapsPerSec / base.tapsPerSec).toFixed(2)) : null,
    floor,
    /** burst-api's CPU per message over the floor's: what its work (Redis, the log, checks) costs */
    overFloor: floor && {
      cpuMicrosPerBatch: result.cpuMicrosPerBatch - floor.cpuMicrosPerBatch,
      cpuMicrosPerClaim: result.claims.cpuMicrosPerClaim - floor.claims.cpuMicrosPerClaim,
    },
  }, (o) => ({ ...o, result: { ...o.result, statuses: undefined }, floor: o.floor && { ...o.floor, answeredPerSecond: undefined, statuses: undefined } }));

  for (const c of children) c.kill('SIGTERM');
  await dbc.end();
  await cleanUp(redis);
  redis.disconnect();
  process.exit(0);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    for (const c of [...children, ...apps.map((a) => a.child)]) c.kill('SIGKILL');
    process.exit(130);
  });
}

main().catch((err) => {
  console.error(`[bench:burst] failed: ${err.stack ?? err}`);
  for (const c of [...children, ...apps.map((a) => a.child)]) c.kill('SIGKILL');
  process.exit(1);
});
