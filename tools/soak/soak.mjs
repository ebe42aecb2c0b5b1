#!/usr/bin/env node
// npm run soak -- --minutes 30: the whole platform (private infrastructure, two ws-gateway and
// two burst-api, as `npm run chaos` starts it) under a moderate steady load on one live show
// (chat, heart batches, claims and votes from a bounded set of users, viewers joining and
// leaving) for that long, sampling every --every seconds:
//   per app process: RSS (/proc/<pid>/status), V8 heap used (/metrics,
//   nodejs_heap_size_used_bytes), open file descriptors (/proc/<pid>/fd);
//   Redis used memory, key count and keys without an expiry (idempotency answers, kept 10 min
//   to an hour, make the key count climb for that long: the keys without expiry are the ones
//   that would show a leak); Kafka consumer lag summed over the run's groups.
// Reports each series' least-squares slope (per minute) over the samples after the first
// --warmup share, and flat or not: flat when the fitted change over that span is within two
// residual standard deviations (noise) or 5 % of the series' mean. Writes
// bench/results/soak.json and bench/results/soak.svg (a chart of every series).
// The chat log stream is capped at 2,000 lines for the soak (CHAT_LOG_MAXLEN), so it fills
// in minutes and then holds: the figures judge leaks, not a cap being reached.
//
// Options: --minutes (30), --every (seconds between samples, 10), --warmup (share of the run
// left out of the slopes, 0.2), --keep-infra.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { usage } from '../lib/usage.mjs';
import { kafkajs } from '../lib/kafkajs.mjs';
import { root, sleep, writeResult } from '../bench/lib.mjs';
import { infraEnv, startPlatform } from '../chaos/platform.mjs';
import { DEFAULT_RATES, Load, newShow } from '../chaos/load.mjs';
import { judge } from './slope.mjs';

usage(import.meta.url);
const require = createRequire(import.meta.url);
const Redis = require('ioredis');
const { Kafka, logLevel } = await kafkajs();

const { values: opts } = parseArgs({
  options: { minutes: { type: 'string', default: '30' }, every: { type: 'string', default: '10' }, warmup: { type: 'string', default: '0.2' }, 'keep-infra': { type: 'boolean' } },
});
const params = { minutes: Number(opts.minutes), everySeconds: Number(opts.every), warmupShare: Number(opts.warmup), rates: DEFAULT_RATES, boundedUsers: 200, chatLogMaxLen: 2000 };
const started = Date.now();
const log = (msg) => console.log(`[soak ${((Date.now() - started) / 1000).toFixed(0).padStart(5)}s] ${msg}`);

const rssBytes = (pid) => {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
  } catch {
    return null;
  }
};
const fds = (pid) => {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return null;
  }
};
async function heapUsed(url) {
  try {
    const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(3_000) })).text();
    const m = /^nodejs_heap_size_used_bytes(?:\{[^}]*\})? ([\d.e+]+)/m.exec(text);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** keys with no expiry: what grows without bound if something leaks (answers kept for an hour, say, do expire) */
export async function persistentKeys(redis) {
  let n = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'COUNT', 1000);
    cursor = next;
    if (keys.length) {
      const ttls = await redis.pipeline(keys.map((k) => ['ttl', k])).exec();
      n += ttls.filter(([, t]) => t === -1).length;
    }
  } while (cursor !== '0');
  return n;
}

async function kafkaLag(admin, prefix) {
  let lag = 0;
  const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
  const ends = new Map();
  for (const groupId of groups) {
    for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
      if (!ends.has(topic)) ends.set(topic, new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)])));
      for (const p of partitions) if (Number(p.offset) >= 0) lag += Math.max(0, ends.get(topic).get(p.partition) - Number(p.offset));
    }
  }
  return lag;
}

function chart(series, file) {
  // one panel per unit; each series a polyline scaled to its panel
  const panels = [
    { title: 'RSS (MB)', keys: Object.keys(series).filter((k) => k.endsWith(' rss')), scale: 1 / 2 ** 20 },
    { title: 'V8 heap used (MB)', keys: Object.keys(series).filter((k) => k.endsWith(' heap')), scale: 1 / 2 ** 20 },
    { title: 'open fds', keys: Object.keys(series).filter((k) => k.endsWith(' fds')), scale: 1 },
    { title: 'Redis used memory (MB)', keys: ['redis memory'], scale: 1 / 2 ** 20 },
    { title: 'Redis keys (all; without expiry)', keys: ['redis keys', 'redis keys without expiry'], scale: 1 },
    { title: 'Kafka consumer lag (messages)', keys: ['kafka lag'], scale: 1 },
  ];
  const W = 560;
  const H = 220;
  const pad = { l: 56, r: 150, t: 24, b: 26 };
  const colors = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
  const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const parts = [];
  panels.forEach((panel, pi) => {
    const ox = (pi % 2) * W;
    const oy = Math.floor(pi / 2) * H;
    const pts = panel.keys.flatMap((k) => series[k].filter(([, y]) => y !== null).map(([x, y]) => [x, y * panel.scale]));
    const xmax = Math.max(1, ...pts.map((p) => p[0]));
    const ymax = Math.max(1e-9, ...pts.map((p) => p[1])) * 1.1;
    const px = (x) => ox + pad.l + (x / xmax) * (W - pad.l - pad.r);
    const py = (y) => oy + H - pad.b - (y / ymax) * (H - pad.t - pad.b);
    parts.push(`<text x="${ox + pad.l}" y="${oy + 16}" font-weight="bold">${esc(panel.title)}</text>`);
    parts.push(`<line x1="${px(0)}" y1="${py(0)}" x2="${px(xmax)}" y2="${py(0)}" stroke="#999"/><line x1="${px(0)}" y1="${py(0)}" x2="${px(0)}" y2="${py(ymax)}" stroke="#999"/>`);
    parts.push(`<text x="${ox + 4}" y="${py(ymax) + 10}" font-size="10">${ymax.toPrecision(3)}</text><text x="${ox + 4}" y="${py(0)}" font-size="10">0</text>`);
    parts.push(`<text x="${px(xmax) - 30}" y="${py(0) + 14}" font-size="10">${xmax.toFixed(1)} min</text>`);
    panel.keys.forEach((k, ki) => {
      const line = series[k].filter(([, y]) => y !== null).map(([x, y]) => `${px(x).toFixed(1)},${py(y * panel.scale).toFixed(1)}`).join(' ');
      const c = colors[ki % colors.length];
      parts.push(`<polyline fill="none" stroke="${c}" stroke-width="1.3" points="${line}"/>`);
      parts.push(`<text x="${ox + W - pad.r + 6}" y="${oy + pad.t + 12 * ki + 8}" font-size="10" fill="${c}">${esc(k.replace(/ (rss|heap|fds)$/, ''))}</text>`);
    });
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${3 * H}" font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="white"/>${parts.join('')}</svg>\n`;
  writeFileSync(file, svg);
}

let platform;
async function main() {
  const p = (platform = await startPlatform('soak', log, { CHAT_LOG_MAXLEN: String(params.chatLogMaxLen) }));
  const show = await newShow(p, `soak-${p.runId}`, { couponStock: 100 });
  const load = new Load(p, show, `soak-${p.runId}`, params.rates, { boundedUsers: params.boundedUsers });
  const redis = new Redis(infraEnv.REDIS_URL);
  const admin = new Kafka({ brokers: [infraEnv.KAFKA_BROKERS], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  load.start();
  log(`load on show ${show.id} for ${params.minutes} min, a sample every ${params.everySeconds} s`);
  const series = {};
  const add = (k, x, y) => (series[k] ??= []).push([x, y]);
  const t0 = Date.now();
  const until = t0 + params.minutes * 60_000;
  let lastNote = 0;
  while (Date.now() < until) {
    const x = (Date.now() - t0) / 60_000;
    for (const [name, list] of p.procs)
      for (const [i, h] of list.entries()) {
        const key = list.length > 1 ? `${name}#${i + 1}` : name;
        add(`${key} rss`, x, rssBytes(h.child.pid));
        add(`${key} heap`, x, await heapUsed(h.url));
        add(`${key} fds`, x, fds(h.child.pid));
      }
    add('redis memory', x, Number(/used_memory:(\d+)/.exec(await redis.info('memory'))[1]));
    add('redis keys', x, await redis.dbsize());
    add('redis keys without expiry', x, await persistentKeys(redis));
    add('kafka lag', x, await kafkaLag(admin, p.env.KAFKA_TOPIC_PREFIX).catch(() => null));
    if (Date.now() - lastNote > 60_000) {
      lastNote = Date.now();
      const last = (k) => series[k].at(-1)[1];
      log(`${x.toFixed(1)} min: redis ${(last('redis memory') / 2 ** 20).toFixed(1)} MB, ${last('redis keys')} keys, lag ${last('kafka lag')}, ` +
        `told ${load.told.chat.size} chat / ${load.told.heartsAccepted} hearts, client errors ${load.clientErrors.total}`);
    }
    await sleep(params.everySeconds * 1000);
  }
  await load.stop();
  load.close();
  const slopes = {};
  for (const [k, pts] of Object.entries(series)) {
    const kept = pts.filter(([x, y]) => y !== null && x >= params.minutes * params.warmupShare);
    slopes[k] = judge(kept.map((q) => q[0]), kept.map((q) => q[1]));
  }
  const notFlat = Object.entries(slopes).filter(([, s]) => !s.flat).map(([k]) => k);
  chart(series, path.join(root, 'bench/results/soak.svg'));
  writeResult('soak', {
    params,
    result: {
      minutes: params.minutes,
      flat: notFlat.length === 0,
      notFlat,
      slopes,
      load: { chat: load.told.chat.size, heartsAccepted: load.told.heartsAccepted, claims: load.told.claims.size, votes: load.told.votes.size, clientErrors: load.clientErrors.total, crashes: p.unexpected.length },
    },
    series,
  }, (o) => ({ ...o, series: undefined }));
  console.log('\n| series | slope /min | change over the judged span | noise sd | mean | flat |\n|---|---:|---:|---:|---:|---|');
  for (const [k, s] of Object.entries(slopes)) console.log(`| ${k} | ${s.slopePerMinute} | ${s.changeOverSpan} | ${s.noiseSd} | ${s.mean} | ${s.flat ? 'yes' : 'NO'} |`);
  console.log('chart: bench/results/soak.svg');
  redis.disconnect();
  await admin.disconnect();
  await p.stopAll({ keepInfra: opts['keep-infra'] });
  process.exit(0);
}

main().catch(async (err) => {
  console.error(`[soak] failed: ${err.stack ?? err}`);
  await platform?.stopAll({ keepInfra: opts['keep-infra'] }).catch(() => undefined);
  process.exit(1);
});
