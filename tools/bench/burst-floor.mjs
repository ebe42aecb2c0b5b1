#!/usr/bin/env node
// npm run bench:burst-floor -- what bench:burst's load costs against a server that does nothing:
// the same viewers (tools/bench/burst-load.mjs, the same schedule: steady, then 30x within a
// second, held), and the same coupon drops (one a third into the spike, then BENCH_CLAIM_DROPS
// alone after it, by the same claimers),
// sent to echo servers (tools/bench/burst-echo.mjs:
// burst-api's socket layers, each message answered at once, no Redis, no Kafka). Everything
// on the same cores, as in bench:burst. What it prints is the floor under bench:burst's figures
// on this machine: the most batches a second, the least latency and CPU per message that any
// server behind one socket per viewer can show here. Writes bench/results/burst-floor.json.
// Traffic goes to 127.0.0.1 only.
//
// Settings (env), as bench:burst's: BENCH_RATE (500; the spike is 30x), BENCH_STEADY_SECONDS (10),
// BENCH_SECONDS (spike length, 60), BENCH_WORKERS (2), BENCH_USERS (the spike rate),
// BENCH_TRANSPORT (ws or socket; default ws, as bench:burst), BENCH_CLAIMERS (5000), BENCH_CLAIM_RATE (20000),
// BENCH_CLAIM_DROPS (drops alone, 3; the median is reported),
// BENCH_REPLICAS (echo processes, 2).
import { fork } from 'node:child_process';
import path from 'node:path';
import { num, percentile, root, sleep, writeResult } from './lib.mjs';
import { MAX_CLAIM_DROPS, cpuSampler, dropFigures, load as loadWith, medianDrop, settle, spikeFigures, viewerParams } from './burst-driver.mjs';
import { NODE_FLAGS } from '../lib/node-flags.mjs';
import { usage } from '../lib/usage.mjs';

usage(import.meta.url);

const params = { ...viewerParams(), replicas: num('BENCH_REPLICAS', 2) };
if (!['socket', 'ws'].includes(params.transport)) {
  console.error(`BENCH_TRANSPORT must be socket or ws, not ${JSON.stringify(params.transport)} (the floor is of the socket channels)`);
  process.exit(2);
}
if (!(params.claimDrops >= 1 && params.claimDrops <= MAX_CLAIM_DROPS)) {
  console.error(`BENCH_CLAIM_DROPS must be 1-${MAX_CLAIM_DROPS} (one audience claims in every drop, and burst-api allows a viewer 10 socket claims in 10 s), not ${params.claimDrops}`);
  process.exit(2);
}
const runId = `floor${Date.now().toString(36)}`;
const log = (msg) => console.log(`[bench:burst-floor ${new Date().toISOString().slice(11, 19)}] ${msg}`);
const children = [];
const load = (opts) => loadWith(opts, { loadProcesses: params.loadProcesses, runId, children });
const pct = (sorted, p) => {
  const v = percentile(sorted, p);
  return v === null ? null : Number(v.toFixed(1));
};

function echo() {
  // burst-api's node flags (tools/lib/node-flags.json), so the young generation is the same
  const child = fork(path.join(root, 'tools/bench/burst-echo.mjs'), [], { execArgv: NODE_FLAGS['burst-api'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('message', ({ port }) => resolve({ pid: child.pid, url: `http://127.0.0.1:${port}` }));
    child.once('exit', (code) => reject(new Error(`echo server exited ${code} while starting`)));
  });
}

async function main() {
  log(`run ${runId}: ${JSON.stringify(params)}`);
  const servers = await Promise.all(Array.from({ length: params.replicas }, echo));
  const urls = servers.map((s) => s.url);
  const spike = params.steadyBatchesPerSec * params.spikeFactor;
  // the load signs its viewers' tokens; the echo servers do not read them
  const common = { urls, show: `floor-${runId}`, secret: 'floor', transport: params.transport };

  log(`hearts over ${params.transport}: ${params.users} viewers connecting`);
  const heartsLoad = await load({
    ...common, mode: 'hearts', users: params.users, startedAt: Date.now(),
    schedule: [{ seconds: params.steadySeconds, rate: params.steadyBatchesPerSec }, { seconds: 1, rate: (params.steadyBatchesPerSec + spike) / 2 }, { seconds: params.spikeSeconds, rate: spike }],
  });
  // as in bench:burst: a coupon drop a third into the spike, its claimers set up now so it starts on time
  const dropLoad = await load({ ...common, mode: 'claims', couponId: '00000000-0000-4000-8000-000000000001', users: params.claimers, schedule: [{ seconds: params.claimers / params.claimRate, rate: params.claimRate }] });
  log(`hearts: ${params.steadyBatchesPerSec}/s for ${params.steadySeconds} s, then ${spike}/s within 1 s for ${params.spikeSeconds} s; a coupon drop mid-spike`);
  const cpu = cpuSampler(servers.map((s) => s.pid));
  const loadCpu = cpuSampler(heartsLoad.pids);
  const go = Date.now() + 100;
  const heartsDone = heartsLoad.go(go);
  await sleep(go + (params.steadySeconds + 1 + params.spikeSeconds / 3) * 1000 - Date.now());
  const drop = await dropLoad.go();
  const hearts = await heartsDone;
  cpu.stop();
  loadCpu.stop();
  await heartsLoad.close();
  const spikeRun = spikeFigures({ hearts, drop, cpu, loadCpu, steadySeconds: params.steadySeconds, spikeSeconds: params.spikeSeconds, pct });

  // then drops alone by the same audience (as bench:burst's)
  const drops = [];
  for (let d = 0; d < params.claimDrops; d++) {
    const calm = await settle(servers.map((s) => s.pid));
    log(`a coupon drop alone (${d + 1}/${params.claimDrops}): ${params.claimers} claimers at ${params.claimRate}/s (after ${calm.waitedMs} ms for the servers to go quiet${calm.quiet ? '' : ', and they did not'})`);
    const claimsCpu = cpuSampler(servers.map((s) => s.pid));
    const claimsLoadCpu = cpuSampler(dropLoad.pids);
    const answers = await dropLoad.go();
    claimsCpu.stop();
    claimsLoadCpu.stop();
    drops.push({ ...dropFigures({ claimers: params.claimers, answers, cpu: claimsCpu, loadCpu: claimsLoadCpu, pct }), waitedForQuietMs: calm.waitedMs });
  }
  await dropLoad.close();
  const claims = medianDrop(drops);

  const result = {
    transport: params.transport,
    batchesPerSec: spikeRun.batchesPerSec,
    spikeTargetBatchesPerSec: spike,
    /** the echo servers' CPU (user + system, every process) per batch answered while the spike was held (the drop's seconds left out: OutsideDrop) */
    cpuMicrosPerBatch: spikeRun.cpuMicrosPerBatch,
    cpuMicrosPerBatchOutsideDrop: spikeRun.cpuMicrosPerBatchOutsideDrop,
    cpuCores: spikeRun.cpuCores,
    loadCpuCores: spikeRun.loadCpuCores,
    answeredPerSecond: hearts.perSecond,
    latencyMs: spikeRun.latencyMs,
    latencyMsOutsideDrop: spikeRun.latencyMsOutsideDrop,
    /** the heart viewers' load processes' scavenges while their schedule ran (as bench:burst's gc.load) */
    gc: { load: hearts.gc },
    unsent: hearts.unsent,
    held: hearts.held,
    statuses: hearts.statuses,
    /** the drop alone: the median of BENCH_CLAIM_DROPS (`drops` has each), as bench:burst's */
    claims: {
      perSec: claims.perSec,
      latencyMs: claims.latencyMs,
      cpuMicrosPerClaim: claims.cpuMicrosPerClaim,
      loadCpuMicrosPerClaim: claims.loadCpuMicrosPerClaim,
      drops: drops.map((d) => ({ ...d, statuses: undefined })),
      offeredPerSec: params.claimRate,
      statuses: claims.statuses,
      /** the drop inside the heart spike */
      duringSpike: { perSec: Math.round(params.claimers / drop.seconds), latencyMs: { p50: pct(drop.latencies, 50), p99: pct(drop.latencies, 99) } },
    },
  };
  writeResult('burst-floor', { params, result });
  for (const c of children) c.kill('SIGTERM');
  process.exit(0);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    for (const c of children) c.kill('SIGKILL');
    process.exit(130);
  });
}

main().catch((err) => {
  console.error(`[bench:burst-floor] failed: ${err.stack ?? err}`);
  for (const c of children) c.kill('SIGKILL');
  process.exit(1);
});
