// What the burst benchmarks share: the load processes (tools/bench/burst-load.mjs) that play
// the viewers, started together and merged into one result, and a CPU sampler for the
// processes that share the cores with them.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { num, root, sleep } from './lib.mjs';
import { NODE_FLAGS } from '../lib/node-flags.mjs';

/** The viewers' settings both burst benches read from the environment (see bench:burst's header). */
export function viewerParams() {
  return {
    steadyBatchesPerSec: num('BENCH_RATE', 500),
    spikeFactor: 30,
    steadySeconds: num('BENCH_STEADY_SECONDS', 10),
    spikeSeconds: num('BENCH_SECONDS', 60),
    loadProcesses: num('BENCH_WORKERS', 2),
    users: num('BENCH_USERS', num('BENCH_RATE', 500) * 30),
    transport: process.env.BENCH_TRANSPORT ?? 'ws',
    claimers: num('BENCH_CLAIMERS', 5000),
    claimRate: num('BENCH_CLAIM_RATE', 20_000),
    claimDrops: num('BENCH_CLAIM_DROPS', 3),
  };
}

/** The most drops alone: one audience claims in every drop, and a viewer's socket claims are limited (10 in 10 s by default). */
export const MAX_CLAIM_DROPS = 9;

/**
 * Starts the load processes and waits until each is set up (tokens, sockets); `go()` starts
 * their schedules at one moment and resolves with the merged results. `go()` again runs the
 * schedule again on the same connections (`{ couponId }`: claims of another coupon, a show's
 * audience in its next drop).
 */
export async function load(opts, { loadProcesses, runId, children }) {
  const per = Math.ceil(opts.users / loadProcesses);
  const workers = Array.from({ length: loadProcesses }, (_, w) => {
    // the load allocates per message as burst-api does: the same young generation (node-flags.json)
    const worker = fork(path.join(root, 'tools/bench/burst-load.mjs'), [
      JSON.stringify({ ...opts, url: opts.urls[w % opts.urls.length], urls: undefined, users: per, userOffset: w * per, schedule: opts.schedule.map((s) => ({ ...s, rate: s.rate / loadProcesses })), runId }),
    ], { execArgv: [...NODE_FLAGS['burst-api'], ...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROFILE, 'load')}`] : [])] });
    children.push(worker);
    return worker;
  });
  await Promise.all(workers.map((worker) => new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('exit', (code) => reject(new Error(`load process exited ${code} while setting up`)));
  })));
  const go = (at = Date.now() + 100, { couponId } = {}) => collect(workers, at, couponId);
  /** the viewers leave (their sockets close) once the phases they share the cores with are measured */
  const close = () => Promise.all(workers.map((worker) => (worker.exitCode !== null ? undefined : new Promise((resolve) => {
    worker.once('exit', resolve);
    worker.send({ close: true });
  }))));
  return { go, close, pids: workers.map((w) => w.pid) };
}

function collect(workers, at, couponId) {
  const results = workers.map((worker) => new Promise((resolve) => worker.once('message', resolve)));
  for (const worker of workers) worker.send({ go: at, couponId });
  return Promise.all(results).then((parts) => ({
    statuses: parts.reduce((acc, p) => {
      for (const [k, v] of Object.entries(p.statuses)) acc[k] = (acc[k] ?? 0) + v;
      return acc;
    }, {}),
    latencies: parts.flatMap((p) => p.latencies).sort((a, b) => a - b),
    /** the latencies unsorted with when each message was sent: `latenciesSentBetween` */
    timed: parts.map((p) => ({ latencies: p.latencies, sentAt: p.sentAt })),
    taps: parts.reduce((n, p) => n + p.taps, 0),
    unsent: parts.reduce((n, p) => n + p.unsent, 0),
    held: parts.reduce((n, p) => n + (p.held ?? 0), 0),
    started: Math.min(...parts.map((p) => p.started)),
    seconds: Math.max(...parts.map((p) => p.seconds)),
    perSecond: parts.reduce((acc, p) => {
      p.perSecond.forEach((n, i) => (acc[i] = (acc[i] ?? 0) + n));
      return acc;
    }, []),
    gc: loadGc(parts),
  }));
}

/**
 * The load processes' scavenges while their schedule ran, all processes together: an answer
 * that arrives during one is timed late by its length, so long ones sit under every latency
 * figure the load reports. `pausedShare`: the part of each process's time it was stopped.
 */
function loadGc(parts) {
  const gcs = parts.map((p) => p.gc).filter(Boolean);
  const seconds = parts.reduce((n, p) => n + p.seconds, 0);
  const pausedMs = gcs.reduce((n, g) => n + g.pausedMs, 0);
  return {
    scavenges: gcs.reduce((n, g) => n + g.scavenges, 0),
    pausedShare: seconds > 0 ? Number((pausedMs / 1000 / seconds).toFixed(3)) : 0,
    maxMs: Math.round(Math.max(0, ...gcs.map((g) => g.maxMs))),
    over50ms: gcs.reduce((n, g) => n + g.over50ms, 0),
  };
}

/**
 * CPU seconds (user + system) of processes, from /proc, sampled every 250 ms: `between(a, b)`
 * interpolates the total at two wall-clock moments, `total()` is first to last sample.
 */
export function cpuSampler(pids) {
  const last = new Map();
  const read = () => cpuSeconds(pids, last);
  const samples = [{ t: Date.now(), cpu: read() }];
  const timer = setInterval(() => samples.push({ t: Date.now(), cpu: read() }), 250);
  const at = (t) => {
    const i = samples.findIndex((s) => s.t >= t);
    if (i <= 0) return i === 0 ? samples[0].cpu : samples[samples.length - 1].cpu;
    const [a, b] = [samples[i - 1], samples[i]];
    return a.cpu + ((b.cpu - a.cpu) * (t - a.t)) / Math.max(1, b.t - a.t);
  };
  return {
    stop: () => {
      clearInterval(timer);
      samples.push({ t: Date.now(), cpu: read() });
    },
    between: (from, to) => at(to) - at(from),
    total: () => samples[samples.length - 1].cpu - samples[0].cpu,
  };
}

/** CPU seconds (user + system) of `pids` so far, from /proc; a process that has exited counts its reading in `last`. */
function cpuSeconds(pids, last) {
  const tick = 100; // USER_HZ: /proc/<pid>/stat counts in 1/100 s on Linux
  return pids.reduce((sum, pid) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      last.set(pid, (Number(fields[11]) + Number(fields[12])) / tick);
    } catch {
      // the process has exited: its last reading stands
    }
    return sum + (last.get(pid) ?? 0);
  }, 0);
}

/**
 * Waits until the servers are quiet: less than `idleCores` of CPU over the last `windowMs`, at
 * most `maxMs`. A phase measured "alone" right after the heart spike otherwise shares the cores
 * with its tail: 15,000 viewers leaving, and what the servers still flush (the first drop alone
 * cost the echo servers ~90 µs a claim against ~35 in the drops after it, in both clients).
 * Resolves with how long it waited and whether the servers went quiet.
 */
export async function settle(pids, { idleCores = 0.1, windowMs = 500, maxMs = 15_000 } = {}) {
  const last = new Map();
  const started = Date.now();
  const readings = [{ t: started, cpu: cpuSeconds(pids, last) }];
  for (;;) {
    await sleep(100);
    const now = Date.now();
    readings.push({ t: now, cpu: cpuSeconds(pids, last) });
    const from = readings.findLast((r) => r.t <= now - windowMs);
    if (from && (readings[readings.length - 1].cpu - from.cpu) / ((now - from.t) / 1000) < idleCores) return { waitedMs: now - started, quiet: true };
    if (now - started >= maxMs) return { waitedMs: now - started, quiet: false };
  }
}

/**
 * One coupon drop's figures: claims a second (claimers / first claim sent to last answer), the
 * claimers' latencies, and the servers' and the load's CPU per claim (cpuSamplers over the drop);
 * `others`: more cpuSamplers by name (what else shared the cores), reported the same way.
 */
export function dropFigures({ claimers, answers, cpu, loadCpu, others = {}, pct }) {
  const perClaim = (sampler) => Math.round((sampler.total() * 1e6) / claimers);
  return {
    perSec: Math.round(claimers / answers.seconds),
    latencyMs: { p50: pct(answers.latencies, 50), p99: pct(answers.latencies, 99) },
    cpuMicrosPerClaim: perClaim(cpu),
    /** the claimers' load processes, CPU µs per claim (they share the machine) */
    loadCpuMicrosPerClaim: perClaim(loadCpu),
    ...(Object.keys(others).length ? { othersCpuMicrosPerClaim: Object.fromEntries(Object.entries(others).map(([name, sampler]) => [name, perClaim(sampler)])) } : {}),
    statuses: answers.statuses,
  };
}

/**
 * The drop of median claims a second (the lower of the middle two for an even count), with its
 * own latencies and CPU: a drop lasts a fraction of a second, and on a shared machine one drop
 * alone varied by half from run to run.
 */
export function medianDrop(drops) {
  const sorted = [...drops].sort((a, b) => a.perSec - b.perSec);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** The sorted latencies (ms) of a load's messages sent in [from, to) (epoch ms). */
export function latenciesSentBetween(result, from, to) {
  const out = [];
  for (const { latencies, sentAt } of result.timed) for (let i = 0; i < latencies.length; i++) if (sentAt[i] >= from && sentAt[i] < to) out.push(latencies[i]);
  return out.sort((a, b) => a - b);
}

/**
 * What both burst benches report of a heart spike with a coupon drop inside it: batches a second
 * while the spike was held, the servers' CPU per batch (over the held seconds, and leaving out
 * the seconds of the drop), the load's cores, and the latencies (all, and of the batches sent
 * before the drop and from 5 s after it: what the spike alone does). `cpu` and `loadCpu` are
 * cpuSamplers of the servers and of the heart load; `drop` the mid-spike claims' result.
 */
export function spikeFigures({ hearts, drop, cpu, loadCpu, steadySeconds, spikeSeconds, pct }) {
  const held = hearts.perSecond.slice(steadySeconds + 1, steadySeconds + 1 + spikeSeconds);
  const heldFrom = hearts.started + (steadySeconds + 1) * 1000;
  const heldTo = heldFrom + held.length * 1000;
  const heldBatches = held.reduce((a, b) => a + b, 0);
  const seconds = Math.max(1, held.length);
  const heldCpu = cpu.between(heldFrom, heldTo);
  const dropFrom = drop.started;
  const dropTo = drop.started + drop.seconds * 1000;
  let quietCpu = 0;
  let quietBatches = 0;
  held.forEach((n, i) => {
    const from = heldFrom + i * 1000;
    if (from + 1000 > dropFrom && from < dropTo) return;
    quietCpu += cpu.between(from, from + 1000);
    quietBatches += n;
  });
  const before = latenciesSentBetween(hearts, 0, dropFrom);
  const after = latenciesSentBetween(hearts, dropTo + 5_000, Infinity);
  return {
    held,
    heldFrom,
    heldTo,
    batchesPerSec: Math.round(heldBatches / seconds),
    /** the servers' process CPU (user + system, every replica) per heart batch answered while the spike was held */
    cpuMicrosPerBatch: heldBatches ? Math.round((heldCpu * 1e6) / heldBatches) : null,
    /** the same outside the seconds of the coupon drop: the cost of a heart batch alone */
    cpuMicrosPerBatchOutsideDrop: quietBatches ? Math.round((quietCpu * 1e6) / quietBatches) : null,
    /** the servers' CPU in cores while the spike was held */
    cpuCores: Number((heldCpu / seconds).toFixed(2)),
    /** the heart load processes' CPU in cores while the spike was held (they share the machine) */
    loadCpuCores: Number((loadCpu.between(heldFrom, heldTo) / seconds).toFixed(2)),
    latencyMs: { p50: pct(hearts.latencies, 50), p95: pct(hearts.latencies, 95), p99: pct(hearts.latencies, 99) },
    /** the batches sent before the coupon drop began, and those sent from 5 s after it ended */
    latencyMsOutsideDrop: {
      beforeDrop: { batches: before.length, p50: pct(before, 50), p99: pct(before, 99) },
      fromFiveSecondsAfter: { batches: after.length, p50: pct(after, 50), p99: pct(after, 99) },
    },
  };
}
