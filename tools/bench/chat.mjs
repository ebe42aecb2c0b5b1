#!/usr/bin/env node
// npm run bench:chat -- chat fan-out on this machine, three phases against one show:
//   1. batched:   M lines/s for S s, display budget above M, so every line must reach every viewer
//   2. baseline:  the same load with micro-batching off (one broadcast per line)
//   3. shedding:  5x the default display budget with 5% seller lines: every priority line
//                 shown, `suppressed` adding up, latency unchanged
// It starts what it needs (infra, builds, its own database, Redis phase and topic prefix),
// prints a summary and writes bench/results/chat.json. Traffic goes to 127.0.0.1 only.
//
// Settings (env): BENCH_VIEWERS (2000), BENCH_RATE (500), BENCH_SECONDS (60),
// BENCH_WORKERS (4 viewer processes), BENCH_PROBES (50 viewers that time every line),
// BENCH_GATEWAYS (1). Priority lines of the shedding phase come from 10 moderators.
import { execFileSync, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { benchRun, num, percentile, root, sleep, writeResult } from './lib.mjs';
import { usage } from '../lib/usage.mjs';

usage(import.meta.url);

const require = createRequire(import.meta.url);
const jwt = require('jsonwebtoken');
const Redis = require('ioredis');

const params = {
  viewers: num('BENCH_VIEWERS', 2000),
  messagesPerSec: num('BENCH_RATE', 500),
  seconds: num('BENCH_SECONDS', 60),
  viewerProcesses: num('BENCH_WORKERS', 4),
  probeViewers: num('BENCH_PROBES', 50),
  gateways: num('BENCH_GATEWAYS', 1),
  defaultDisplayBudget: 30,
  windowMs: 100,
};
const { runId, secret, env, log, apps, startApp, stopApp, prepare, cleanUp } = benchRun('chat', {
  KAFKA_TOPIC_PARTITIONS: 'chat.message.accepted.v1=6',
});
const workerProcs = [];

const TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}
function rssMb(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS'));
  return Number(line.split(/\s+/)[1]) / 1024;
}
const platformPids = () => apps.filter((a) => a.name !== 'management-api').map((a) => a.child.pid);

function ask(worker, type, reply) {
  return new Promise((resolve) => {
    const on = (m) => {
      if (m.type === reply) {
        worker.off('message', on);
        resolve(m);
      }
    };
    worker.on('message', on);
    worker.send({ type });
  });
}

async function runPhase(name, { show, messageApi, workers, rate, sellerShare }) {
  await Promise.all(workers.map((w) => ask(w, 'reset', 'reset-done')));
  const pids = platformPids();
  const cpu0 = pids.map(cpuSeconds);
  const t0 = Date.now();
  log(`${name}: ${rate} lines/s for ${params.seconds} s to ${params.viewers} viewers`);
  const poster = fork(path.join(root, 'tools/bench/chat-posters.mjs'), [
    JSON.stringify({ url: messageApi.url, broadcastId: show, rate, seconds: params.seconds, secret, sellerId: 'bench-seller', sellerShare, runId: `${runId}-${name}` }),
  ]);
  const posted = await new Promise((resolve) => poster.once('message', resolve));
  const acked = new Map(posted.acks.map(([id, at, priority]) => [id, { at, priority }]));

  // drain: until every probe has every accepted line (or what the budget let through), at most 20 s
  let reports;
  const drainUntil = Date.now() + 20_000;
  for (;;) {
    reports = (await Promise.all(workers.map((w) => ask(w, 'report', 'report')))).flatMap((r) => r.viewers);
    const probes = reports.filter((v) => v.probe);
    const done = probes.every((p) => p.lines + p.suppressed >= acked.size);
    if (done || Date.now() > drainUntil) break;
    await sleep(500);
  }
  const elapsed = (Date.now() - t0) / 1000;
  const cpu = pids.map(cpuSeconds).reduce((s, c, i) => s + c - cpu0[i], 0) / elapsed;
  // throughput: what reached viewers while the load was on (plus the short drain above)
  const windowReports = reports;
  // isolation: a phase that fell behind keeps frames in flight (Kafka, Redis, socket buffers);
  // wait until viewers go quiet so the next phase measures only itself
  // Loss is judged on the reports taken once quiet: a frame still in flight is late, not lost
  // (its lateness is in the latency figures, taken from the probes' arrival times).
  const quietStarted = Date.now();
  let lastFrames = -1;
  for (;;) {
    reports = (await Promise.all(workers.map((w) => ask(w, 'report', 'report')))).flatMap((r) => r.viewers);
    const frames = reports.reduce((s, v) => s + v.frames, 0);
    if (frames === lastFrames || Date.now() - quietStarted > 300_000) break;
    lastFrames = frames;
    await sleep(3_000);
  }
  const drainSeconds = Math.round((Date.now() - quietStarted) / 1000);

  const probes = reports.filter((v) => v.probe);
  const latencies = [];
  const missing = new Set();
  for (const p of probes) {
    const arrivals = new Map(p.arrivals);
    for (const [id, a] of acked) {
      const at = arrivals.get(id);
      if (at === undefined) missing.add(id);
      else latencies.push(Math.max(0, at - a.at));
    }
  }
  latencies.sort((a, b) => a - b);
  const deficit = Math.max(0, ...reports.filter((v) => !v.probe).map((v) => acked.size - v.lines));
  const totalLines = windowReports.reduce((s, v) => s + v.lines, 0);
  const totalFrames = windowReports.reduce((s, v) => s + v.frames, 0);
  const result = {
    accepted: acked.size,
    rejected: posted.errors,
    lost: Math.max(missing.size, deficit),
    deliveredLinesPerSec: Math.round(totalLines / params.seconds),
    framesPerSec: Math.round(totalFrames / params.seconds),
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) },
    cpu: Number(cpu.toFixed(2)),
    drainSecondsAfterPhase: drainSeconds,
    rssMb: Math.round(platformPids().reduce((s, pid) => s + rssMb(pid), 0)),
  };
  if (sellerShare > 0) {
    const priorityIds = [...acked].filter(([, a]) => a.priority).map(([id]) => id);
    result.shedding = {
      priorityAccepted: priorityIds.length,
      priorityDeliveredToEveryProbe: probes.every((p) => priorityIds.every((id) => p.priority.includes(id))),
      suppressedAddsUp: probes.every((p) => p.lines + p.suppressed === acked.size),
      shownPerViewer: probes[0]?.lines ?? 0,
      suppressedPerViewer: probes[0]?.suppressed ?? 0,
    };
    // lines left out by the budget are not lost; count only priority lines that went missing
    result.lost = priorityIds.filter((id) => missing.has(id)).length;
  }
  log(`${name}: ${JSON.stringify(result)}`);
  return result;
}

async function setChat(management, show, displayBudgetPerSecond) {
  const token = jwt.sign({ sub: 'bench-seller', name: 'seller', roles: ['seller'] }, secret, { algorithm: 'HS256' });
  const res = await fetch(`${management.url}/v1/broadcasts/${show}/chat-settings`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ slowModeSeconds: 0, displayBudgetPerSecond }),
  });
  if (res.status !== 200) throw new Error(`chat settings: ${res.status}`);
  await sleep(1_500); // mirror + the processor's 1 s settings cache
}

async function main() {
  log(`run ${runId}: ${JSON.stringify(params)}`);
  await prepare(['management-api', 'message-api', 'message-processor', 'ws-gateway'], ['management-api', 'message-processor']);

  const management = await startApp('management-api');
  const messageApi = await startApp('message-api');
  let processor = await startApp('message-processor');
  const gateways = [];
  for (let i = 0; i < params.gateways; i++) gateways.push(await startApp('ws-gateway'));

  const seller = jwt.sign({ sub: 'bench-seller', name: 'seller', roles: ['seller'] }, secret, { algorithm: 'HS256' });
  const headers = { authorization: `Bearer ${seller}`, 'content-type': 'application/json' };
  const show = (await (await fetch(`${management.url}/v1/broadcasts`, { method: 'POST', headers, body: JSON.stringify({ title: 'bench', scheduledAt: new Date().toISOString() }) })).json()).id;
  await fetch(`${management.url}/v1/broadcasts/${show}/start`, { method: 'POST', headers });
  const redis = new Redis(env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  for (let i = 0; i < 100 && (await redis.get(`live|${env.REDIS_PHASE}|broadcast:{${show}}:status`)) !== 'live'; i++) await sleep(100);

  log(`connecting ${params.viewers} viewers over ${params.viewerProcesses} processes`);
  const per = Math.ceil(params.viewers / params.viewerProcesses);
  const workers = workerProcs;
  for (let w = 0; w < params.viewerProcesses; w++) {
    const count = Math.min(per, params.viewers - w * per);
    const gw = gateways[w % gateways.length];
    const worker = fork(path.join(root, 'tools/bench/chat-viewers.mjs'), [
      JSON.stringify({ url: gw.url, broadcastId: show, count, probes: params.probeViewers, firstIndex: w * per }),
    ]);
    workers.push(worker);
  }
  await Promise.all(workers.map((w) => new Promise((r) => w.once('message', r))));
  log('viewers connected');

  await setChat(management, show, params.messagesPerSec * 4);
  const result = await runPhase('batched', { show, messageApi, workers, rate: params.messagesPerSec, sellerShare: 0 });

  await stopApp(processor);
  processor = await startApp('message-processor', { CHAT_BATCHING: 'false' });
  const baseline = await runPhase('baseline', { show, messageApi, workers, rate: params.messagesPerSec, sellerShare: 0 });

  await stopApp(processor);
  processor = await startApp('message-processor');
  await setChat(management, show, null);
  const shedding = await runPhase('shedding', { show, messageApi, workers, rate: params.defaultDisplayBudget * 5, sellerShare: 0.05 });

  writeResult('chat', {
    params,
    result,
    baseline,
    shedding,
    ratio: baseline.deliveredLinesPerSec ? Number((result.deliveredLinesPerSec / baseline.deliveredLinesPerSec).toFixed(2)) : null,
  });

  workers.forEach((w) => w.send({ type: 'close' }));
  await cleanUp(redis);
  redis.disconnect();
  process.exit(0);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    for (const app of apps) app.child.kill('SIGKILL');
    for (const w of workerProcs) w.kill('SIGKILL');
    process.exit(130);
  });
}

main().catch(async (err) => {
  console.error(`[bench:chat] failed: ${err.stack ?? err}`);
  for (const app of apps) app.child.kill('SIGKILL');
  process.exit(1);
});
