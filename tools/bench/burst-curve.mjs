#!/usr/bin/env node
// npm run bench:burst-curve -- bench:burst and bench:burst-floor at several heart rates, one after
// the other, each rate's burst-api run against the floor's at the same rate (the floor is the
// baseline: echo servers with burst-api's socket layers and nothing behind them, the same load).
// Says at what rate each figure of #17 holds on this machine, and how much of what misses it is
// burst-api's and how much the machine's. Prints a row as each rate ends and a table at the end,
// and writes bench/results/burst-curve.json (the runs' own results go to a directory of their
// own: bench/results/burst.json and burst-floor.json are left as they are).
// Traffic goes to 127.0.0.1 only.
//
// Settings (env): BENCH_RATES (steady heart batches a second, each spiked 30x; 200,300,400,500,
// so 6,000 to 15,000 a second in the spike), BENCH_SECONDS (spike length, 20), BENCH_STEADY_SECONDS
// (5), BENCH_BASELINE_SECONDS (bench:burst's UPDATE-per-tap baseline, 5); every other BENCH_
// setting of bench:burst and bench:burst-floor passes through (BENCH_CLAIMERS, BENCH_CLAIM_DROPS, ...).
// Takes about 2 minutes a rate with the defaults (both runs).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { root, writeResult } from './lib.mjs';
import { usage } from '../lib/usage.mjs';

usage(import.meta.url);

const rates = (process.env.BENCH_RATES ?? '200,300,400,500').split(',').map((r) => Number(r.trim()));
if (!rates.length || rates.some((r) => !Number.isInteger(r) || r <= 0)) {
  console.error(`BENCH_RATES must be positive integers separated by commas (steady batches a second; the spike is 30x), not ${JSON.stringify(process.env.BENCH_RATES)}`);
  process.exit(2);
}
const settings = {
  BENCH_SECONDS: process.env.BENCH_SECONDS ?? '20',
  BENCH_STEADY_SECONDS: process.env.BENCH_STEADY_SECONDS ?? '5',
  BENCH_BASELINE_SECONDS: process.env.BENCH_BASELINE_SECONDS ?? '5',
};
const log = (msg) => console.log(`[bench:burst-curve ${new Date().toISOString().slice(11, 19)}] ${msg}`);

/** One bench script at one rate, its result read back from the scratch directory. */
function run(script, name, rate, dir) {
  const env = { ...process.env, ...settings, BENCH_RATE: String(rate), BENCH_FLOOR: '0', BENCH_RESULTS_DIR: dir };
  delete env.BENCH_PROFILE;
  execFileSync(process.execPath, [path.join(root, 'tools/bench', script)], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
  return JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8')).result;
}

/** The figures of #17's goal, for one server at one rate. */
function figures(r) {
  return {
    heldPerSec: r.batchesPerSec,
    cpuMicrosPerBatch: r.cpuMicrosPerBatch,
    cpuCores: r.cpuCores,
    loadCpuCores: r.loadCpuCores,
    heartsMs: { p50: r.latencyMs.p50, p99: r.latencyMs.p99, p99BeforeDrop: r.latencyMsOutsideDrop.beforeDrop.p99, p99FromFiveSecondsAfter: r.latencyMsOutsideDrop.fromFiveSecondsAfter.p99 },
    claimsAlone: { perSec: r.claims.perSec, p99Ms: r.claims.latencyMs.p99 },
    claimsInSpike: { p50Ms: r.claims.duringSpike.latencyMs.p50, p99Ms: r.claims.duringSpike.latencyMs.p99 },
    ...(r.exact === undefined ? {} : { exact: r.exact }),
  };
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-burst-curve-'));
const rows = [];
try {
  log(`rates ${rates.map((r) => r * 30).join(', ')} heart batches a second in the spike; ${JSON.stringify(settings)}`);
  for (const [i, rate] of rates.entries()) {
    log(`${i + 1}/${rates.length}: bench:burst at ${rate * 30} a second`);
    const burst = figures(run('burst.mjs', 'burst', rate, dir));
    log(`${i + 1}/${rates.length}: bench:burst-floor at ${rate * 30} a second`);
    const floor = figures(run('burst-floor.mjs', 'burst-floor', rate, dir));
    rows.push({ offeredPerSec: rate * 30, burst, floor });
    log(`${rate * 30}/s: ${JSON.stringify({ burst, floor })}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const table = rows.map(({ offeredPerSec, burst: b, floor: f }) => ({
  offered: offeredPerSec,
  held: `${b.heldPerSec} (floor ${f.heldPerSec})`,
  'µs a batch': `${b.cpuMicrosPerBatch} (${f.cpuMicrosPerBatch})`,
  'hearts p99 ms': `${b.heartsMs.p99} (${f.heartsMs.p99})`,
  'outside drop p99 ms': `${b.heartsMs.p99BeforeDrop} / ${b.heartsMs.p99FromFiveSecondsAfter} (${f.heartsMs.p99BeforeDrop} / ${f.heartsMs.p99FromFiveSecondsAfter})`,
  'claims alone /s, p99 ms': `${b.claimsAlone.perSec}, ${b.claimsAlone.p99Ms} (${f.claimsAlone.perSec}, ${f.claimsAlone.p99Ms})`,
  'claims in spike p99 ms': `${b.claimsInSpike.p99Ms} (${f.claimsInSpike.p99Ms})`,
}));
console.log('\nburst-api (the floor in brackets):');
console.table(table);
writeResult('burst-curve', {
  params: { rates, spikeFactor: 30, spikeSeconds: Number(settings.BENCH_SECONDS), steadySeconds: Number(settings.BENCH_STEADY_SECONDS), baselineSeconds: Number(settings.BENCH_BASELINE_SECONDS) },
  rows,
});
