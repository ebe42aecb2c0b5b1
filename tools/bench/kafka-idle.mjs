#!/usr/bin/env node
// npm run bench:kafka-idle -- what an idle app's Kafka client costs, with kafkajs's request
// queues quieted (libs/platform/kafka/src/idle-request-queues.ts) and, in the same run, as
// released (KAFKAJS_AS_RELEASED=1: every broker connection re-arms a 1 ms timer forever). Starts
// each app twice side by side, one of each, on a database, Redis phase and topic prefix of the
// run's own, lets them settle, then reads each process's CPU (user + system, /proc) over the
// same seconds with no traffic at all. Prints the figures and writes bench/results/kafka-idle.json.
//
// Settings (env): BENCH_APPS (comma-separated, default burst-api,ws-gateway,analytics),
// BENCH_SECONDS (seconds measured, 20), BENCH_SETTLE_SECONDS (after all are ready, 5).
import { createRequire } from 'node:module';
import { benchRun, num, sleep, writeResult } from './lib.mjs';
import { cpuSampler } from './burst-driver.mjs';
import { usage } from '../lib/usage.mjs';

usage(import.meta.url);

const Redis = createRequire(import.meta.url)('ioredis');

const params = {
  apps: (process.env.BENCH_APPS ?? 'burst-api,ws-gateway,analytics').split(',').map((a) => a.trim()).filter(Boolean),
  seconds: num('BENCH_SECONDS', 20),
  settleSeconds: num('BENCH_SETTLE_SECONDS', 5),
};
const { log, startApp, prepare, cleanUp, apps, env } = benchRun('kafka-idle');

async function main() {
  log(`apps ${params.apps.join(', ')}: each as released and quieted, idle, ${params.seconds} s`);
  const migrate = params.apps.filter((a) => ['management-api', 'burst-api', 'analytics', 'message-processor', 'encoder-orchestrator'].includes(a));
  await prepare(params.apps, migrate);
  const started = [];
  for (const app of params.apps) {
    started.push({ app, variant: 'asReleased', handle: await startApp(app, { KAFKAJS_AS_RELEASED: '1' }) });
    started.push({ app, variant: 'quieted', handle: await startApp(app) });
  }
  log(`all ready; settling ${params.settleSeconds} s`);
  await sleep(params.settleSeconds * 1000);
  const samplers = started.map((s) => ({ ...s, cpu: cpuSampler([s.handle.child.pid]) }));
  await sleep(params.seconds * 1000);
  for (const s of samplers) s.cpu.stop();
  const perApp = {};
  for (const s of samplers) {
    const pct = Number(((s.cpu.total() / params.seconds) * 100).toFixed(2));
    (perApp[s.app] ??= {})[`${s.variant}CpuPct`] = pct;
  }
  for (const v of Object.values(perApp)) v.savedCpuPct = Number((v.asReleasedCpuPct - v.quietedCpuPct).toFixed(2));
  const sum = (k) => Number(Object.values(perApp).reduce((n, v) => n + v[k], 0).toFixed(2));
  writeResult('kafka-idle', {
    params,
    result: {
      /** % of one core, each app idle for the measured seconds */
      perApp,
      asReleasedCpuPct: sum('asReleasedCpuPct'),
      quietedCpuPct: sum('quietedCpuPct'),
      ratio: sum('quietedCpuPct') > 0 ? Number((sum('asReleasedCpuPct') / sum('quietedCpuPct')).toFixed(2)) : null,
    },
  });
  const redis = new Redis(env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  await cleanUp(redis);
  redis.disconnect();
  process.exit(0);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    for (const a of apps) a.child.kill('SIGKILL');
    process.exit(130);
  });
}

main().catch((err) => {
  console.error(`[bench:kafka-idle] failed: ${err.stack ?? err}`);
  for (const a of apps) a.child.kill('SIGKILL');
  process.exit(1);
});
