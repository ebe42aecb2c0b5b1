#!/usr/bin/env node
// npm run chaos -- faults under load. Starts the whole platform on private infrastructure
// (its own Kafka broker, Postgres cluster and Redis server on other ports, .data/chaos; the
// shared servers on 9092/5432/6379 are never touched), two replicas of ws-gateway and
// burst-api, then, one fault at a time, each on a fresh live show under a steady mixed load
// (chat, heart batches, coupon claims, votes, viewers joining and leaving):
//   SIGKILL of each of the seven apps (one of the two replicas where there are two),
//   SIGTERM of each (graceful drain), Kafka broker kill -9 + restart, broker pause
//   (SIGSTOP 10 s, SIGCONT), Redis restart (data kept), Redis restart losing its data,
//   Postgres restart.
// A killed app is started again at once on the same port (a supervisor's job). After each
// fault the load runs on, stops, and tools/chaos/verify.mjs checks what clients were told.
// Per fault: lost (acknowledged, then missing), duplicates, recoverySeconds (fault to every
// /health/ready green and every load stream answered again), clientErrors (5xx, timeouts,
// refused connections the clients saw). Writes bench/results/chaos.json and prints a table.
//
// Options: --quick (4 faults, shorter load), --only <name,...> (faults by name),
// --keep-infra (leave the private servers running). Settings (env): CHAOS_WARM_SECONDS (6),
// CHAOS_AFTER_SECONDS (10), CHAOS_SETTLE_SECONDS (60); ports: see tools/chaos/platform.mjs.
import { parseArgs } from 'node:util';
import { usage } from '../lib/usage.mjs';
import { num, sleep, writeResult } from '../bench/lib.mjs';
import { APPS, REPLICATED, infraFaults, startPlatform } from './platform.mjs';
import { DEFAULT_RATES, Load, newShow } from './load.mjs';
import { verify } from './verify.mjs';

usage(import.meta.url);
const { values: opts } = parseArgs({ options: { quick: { type: 'boolean' }, only: { type: 'string' }, 'keep-infra': { type: 'boolean' } } });
const quick = Boolean(opts.quick);
const params = {
  quick,
  warmSeconds: num('CHAOS_WARM_SECONDS', quick ? 3 : 6),
  afterSeconds: num('CHAOS_AFTER_SECONDS', quick ? 5 : 10),
  settleSeconds: num('CHAOS_SETTLE_SECONDS', 60),
  rates: DEFAULT_RATES,
};
const started = Date.now();
const log = (msg) => console.log(`[chaos ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${msg}`);

function faultList(p) {
  const appFault = (signal) => (app) => ({
    name: `${signal} ${app}${REPLICATED.includes(app) ? ' (1 of 2)' : ''}`,
    run: () => p.restart(p.procs.get(app)[0], signal),
  });
  const all = [
    ...APPS.map(appFault('SIGKILL')),
    ...APPS.map(appFault('SIGTERM')),
    { name: 'kafka kill -9 + restart', run: infraFaults.kafkaKill9 },
    { name: 'kafka pause 10 s (SIGSTOP/SIGCONT)', run: () => infraFaults.kafkaPause(10) },
    { name: 'redis restart (data kept)', run: infraFaults.redisRestart },
    { name: 'postgres restart', run: infraFaults.postgresRestart },
    { name: 'redis restart losing its data', run: infraFaults.redisDataLoss },
  ];
  if (opts.only) {
    const wanted = opts.only.split(',').map((s) => s.trim().toLowerCase());
    return all.filter((f) => wanted.some((w) => f.name.toLowerCase().includes(w)));
  }
  if (quick) return all.filter((f) => ['SIGKILL message-processor', 'SIGKILL burst-api (1 of 2)', 'SIGTERM ws-gateway (1 of 2)', 'kafka pause 10 s (SIGSTOP/SIGCONT)'].includes(f.name));
  return all;
}

async function waitFor(what, check, seconds) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(250);
  }
  log(`  ${what}: not after ${seconds} s`);
  return false;
}

async function phase(p, fault, i) {
  await p.reviveDead();
  await waitFor('every app ready before the fault', p.allReady, 120);
  const show = await newShow(p, `${p.runId}-${i}`, { couponStock: Math.round(params.rates.claims * (params.warmSeconds + params.afterSeconds + 20) * 0.8) });
  const load = new Load(p, show, `${p.runId}-${i}`);
  const crashesBefore = p.unexpected.length;
  const phaseStart = Date.now();
  load.start();
  await waitFor('every load stream served', () => load.servedSince(phaseStart), 30);
  await sleep(params.warmSeconds * 1000);
  log(`  fault: ${fault.name}`);
  const at = Date.now();
  let faultError;
  await fault.run().catch((err) => (faultError = err.message));
  const recovered = await waitFor('recovery', async () => (await p.allReady()) && load.servedSince(at), 180);
  const recoverySeconds = recovered ? Number(((Date.now() - at) / 1000).toFixed(1)) : null;
  log(`  recovered in ${recoverySeconds ?? '-'} s; load goes on ${params.afterSeconds} s`);
  await sleep(params.afterSeconds * 1000);
  await load.stop();
  log('  load stopped; checking what clients were told');
  const checked = await verify(p, load, { settleSeconds: params.settleSeconds });
  load.close();
  const row = {
    name: fault.name,
    lost: checked.lostTotal,
    duplicates: checked.duplicatesTotal,
    recoverySeconds,
    clientErrors: load.clientErrors.total,
    detail: {
      faultError,
      told: checked.told,
      found: checked.found,
      lost: checked.lost,
      duplicates: checked.duplicates,
      unacked: checked.unacked,
      stock: checked.stock,
      flushed: checked.flushed,
      clientErrorsByKind: load.clientErrors.byKind,
      refusals: load.refusals,
      sockets: load.sockets,
      chatDeliveredTwice: checked.deliveredTwice,
      crashes: p.unexpected.slice(crashesBefore),
    },
  };
  log(`  lost ${row.lost}, duplicates ${row.duplicates}, recovery ${recoverySeconds ?? '-'} s, client errors ${row.clientErrors}` +
    ` (told: ${checked.told.chat} chat, ${checked.told.heartsAccepted} hearts, ${checked.told.claims} claims, ${checked.told.votes} votes)` +
    (row.lost ? ` lost by kind ${JSON.stringify(Object.fromEntries(Object.entries(checked.lost).filter(([, n]) => n)))}` : ''));
  return row;
}

let platform;
async function main() {
  const p = (platform = await startPlatform('chaos', log));
  const stop = async () => {
    log('stopping');
    await p.stopAll({ keepInfra: opts['keep-infra'] });
    process.exit(130);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const faults = faultList(p);
  log(`${faults.length} faults, one at a time: ${faults.map((f) => f.name).join('; ')}`);
  const rows = [];
  for (const [i, fault] of faults.entries()) {
    log(`fault ${i + 1}/${faults.length}: ${fault.name}`);
    rows.push(await phase(p, fault, i));
  }
  const out = writeResult('chaos', { params, result: { faults: rows.map((r) => ({ name: r.name, lost: r.lost, duplicates: r.duplicates, recoverySeconds: r.recoverySeconds, clientErrors: r.clientErrors })) }, detail: rows }, (o) => ({ ...o, detail: undefined }));
  console.log('\n| fault | lost | duplicates | recovery (s) | client errors |\n|---|---:|---:|---:|---:|');
  for (const r of out.result.faults) console.log(`| ${r.name} | ${r.lost} | ${r.duplicates} | ${r.recoverySeconds ?? 'not recovered'} | ${r.clientErrors} |`);
  await p.stopAll({ keepInfra: opts['keep-infra'] });
  process.exit(rows.some((r) => r.lost > 0 || r.duplicates > 0) ? 1 : 0);
}

main().catch(async (err) => {
  console.error(`[chaos] failed: ${err.stack ?? err}`);
  await platform?.stopAll({ keepInfra: opts['keep-infra'] }).catch(() => undefined);
  process.exit(1);
});
