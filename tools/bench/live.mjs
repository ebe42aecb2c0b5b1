#!/usr/bin/env node
// npm run bench:live -- the live video path end to end on this machine:
//  1. glass-to-glass latency: ffmpeg pushes a source whose every frame carries its frame number
//     as a 16-band barcode (frame n was captured at t0 + n/30, t0 calibrated from the pusher's
//     own progress reports) over RTMP at 1280x720; headless Chromium plays the master playlist
//     with hls.js at its default settings and decodes the barcode of each presented frame
//     (requestVideoFrameCallback + canvas): latency = presentation wall clock - capture time;
//  2. overlay POST -> metadata cue: pins a product through management-api while playing and
//     times the cue firing in the player;
//  Steps 1 and 2 run twice on separate encoder-orchestrator processes, one after the other: the
//  same-run baseline with whole 1 s segments (ENCODER_LL_PARTS=1), then LL-HLS (parts, default);
//  3. capacity: 1..BENCH_MAX_STREAMS concurrent 720p pushes at the full 720/480/360 ladder;
//     a replica "carries" k streams when every stream keeps producing segments in real time;
//     CPU per stream from the ffmpeg processes' /proc times.
// Starts what it needs (own database, Redis phase, topic prefix), writes bench/results/live.json.
// Settings (env): BENCH_SECONDS (30, latency sampling), BENCH_MAX_STREAMS (3; 0 skips the
// capacity step), BENCH_WINDOW (15 s per capacity step), BENCH_LATENCY_LADDER and
// BENCH_LATENCY_PRESET (the ladder/x264 preset of steps 1-2; default the app's 720,480,360
// veryfast), BENCH_RESULT (result file name, default live).
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { benchRun, freePort, num, percentile, root, sleep, writeResult } from './lib.mjs';
import { usage } from '../lib/usage.mjs';

usage(import.meta.url);

const require = createRequire(import.meta.url);
const jwt = require('jsonwebtoken');
const Redis = require('ioredis');
const { chromium } = require('playwright-core');

execFileSync(process.execPath, ['tools/infra/debian-packages.mjs', 'ffmpeg', 'chromium'], { cwd: root, stdio: 'inherit' });

const params = {
  seconds: num('BENCH_SECONDS', 30),
  maxStreams: num('BENCH_MAX_STREAMS', 3),
  window: num('BENCH_WINDOW', 15),
  fps: 30,
  latencyLadder: process.env.BENCH_LATENCY_LADDER || '720,480,360',
  latencyPreset: process.env.BENCH_LATENCY_PRESET || 'veryfast',
};
const { secret, env, log, startApp, stopApp, prepare, cleanUp } = benchRun('live');
const storage = mkdtempSync(path.join(os.tmpdir(), 'bench-live-'));
const token = (sub, roles) => jwt.sign({ sub, name: sub, roles }, secret, { expiresIn: '1h' });

/** testsrc-free barcode source: 16 horizontal bands, band i white when bit i of the frame number is set. */
function pushBarcode(url, seconds) {
  const video = `color=c=black:s=32x16:r=${params.fps},format=gray,geq=lum='255*mod(floor(N/pow(2,floor(Y))),2)',scale=1280:720:flags=neighbor,format=yuv420p`;
  const child = spawn('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-progress', 'pipe:1', '-stats_period', '0.1', '-re',
    '-f', 'lavfi', '-i', video, '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', String(seconds),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-profile:v', 'main', '-g', String(params.fps),
    '-c:a', 'aac', '-b:a', '64k', '-f', 'flv', url,
  ], { stdio: ['ignore', 'pipe', 'inherit'] });
  child.t0 = Infinity;
  let buf = '';
  child.stdout.on('data', (d) => {
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop();
    for (const l of lines) {
      const m = /^frame=(\d+)/.exec(l);
      if (m && Number(m[1]) > 0) child.t0 = Math.min(child.t0, Date.now() - (Number(m[1]) * 1000) / params.fps);
    }
  });
  return child;
}

function pushTestsrc(url, seconds) {
  return spawn('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', `testsrc2=size=1280x720:rate=${params.fps},format=yuv420p`,
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', String(seconds),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-profile:v', 'main', '-g', String(params.fps),
    '-c:a', 'aac', '-b:a', '64k', '-f', 'flv', url,
  ], { stdio: ['ignore', 'ignore', 'inherit'] });
}

async function playerServer() {
  const hlsJs = readFileSync(path.join(root, 'node_modules/hls.js/dist/hls.min.js'));
  const html = `<!doctype html><html><body><video id="v" muted autoplay playsinline></video><canvas id="c" width="16" height="16"></canvas>
<script src="/hls.js"></script><script>
window.lat = []; window.cues = [];
const v = document.getElementById('v'); const c = document.getElementById('c').getContext('2d', { willReadFrequently: true });
v.textTracks.addEventListener('addtrack', (ev) => { const t = ev.track; if (t.kind !== 'metadata') return; t.mode = 'hidden';
  t.addEventListener('cuechange', () => { for (const q of t.activeCues || []) window.cues.push({ at: Date.now(), data: q.value && q.value.data }); }); });
function onFrame() {
  const now = Date.now();
  c.drawImage(v, 0, 0, 16, 16);
  const px = c.getImageData(8, 0, 1, 16).data;
  let n = 0;
  for (let i = 0; i < 16; i++) if (px[i * 4] > 128) n += 2 ** i;
  if (window.t0) window.lat.push(now - (window.t0 + (n * 1000) / ${params.fps}));
  v.requestVideoFrameCallback(onFrame);
}
window.metaCues = () => Array.from(v.textTracks).filter((t) => t.kind === 'metadata').flatMap((t) => Array.from(t.cues || []))
  .map((q) => ({ start: q.startTime, data: q.value && q.value.data }));
window.start = (src) => { const hls = new Hls(); window.hls = hls; hls.loadSource(src); hls.attachMedia(v); v.play().catch(() => {}); v.requestVideoFrameCallback(onFrame); };
</script></body></html>`;
  const server = http.createServer((req, res) =>
    req.url === '/hls.js' ? res.writeHead(200, { 'content-type': 'text/javascript' }).end(hlsJs) : res.writeHead(200, { 'content-type': 'text/html' }).end(html),
  );
  const port = await freePort();
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${port}/`, close: () => { server.closeAllConnections(); server.close(); } };
}

const cpuSeconds = (pid) => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
};
const transcoders = (encoderPid) =>
  readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        return Number(stat.split(') ')[1].split(' ')[1]) === encoderPid && stat.includes('(ffmpeg)');
      } catch {
        return false;
      }
    })
    .map(Number);

/** the newest media sequence number listed in a rung's playlist (old segment files get deleted) */
const segmentsIn = (id, rung) => {
  try {
    const listed = readFileSync(path.join(storage, 'live', id, rung, 'index.m3u8'), 'utf8').split('\n').filter((l) => l.endsWith('.ts'));
    return listed.length ? Number(listed[listed.length - 1].replace('.ts', '')) + 1 : 0;
  } catch {
    return 0;
  }
};

async function main() {
  log('building and migrating');
  await prepare(['management-api', 'encoder-orchestrator'], ['management-api', 'encoder-orchestrator']);
  const management = await startApp('management-api');
  const startEncoder = async (extra) => {
    const rtmpPort = await freePort();
    const app = await startApp('encoder-orchestrator', {
      ENCODER_RTMP_PORT: String(rtmpPort),
      ENCODER_SRT_PORTS: '', // no idle SRT listeners in the CPU figures
      ENCODER_STORAGE_DIR: storage,
      // the shows of earlier steps keep their slot through the reconnect window
      ENCODER_MAX_STREAMS: String(params.maxStreams * 3 + 2),
      ENCODER_REPLICA_ID: `bench-${randomUUID().slice(0, 8)}`,
      ...extra,
    });
    return Object.assign(app, { rtmpPort });
  };
  const seller = `seller-${randomUUID()}`;
  const call = async (method, url, body, who = token(seller, ['seller'])) => {
    const res = await fetch(`${management.url}${url}`, { method, headers: { authorization: `Bearer ${who}`, 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const newShow = async (title, rtmpPort) => {
    const show = await call('POST', '/v1/broadcasts', { title, scheduledAt: new Date().toISOString() });
    await call('POST', `/v1/broadcasts/${show.id}/start`);
    const { streamKey } = await call('GET', `/v1/broadcasts/${show.id}/stream-key`);
    return { ...show, url: `rtmp://127.0.0.1:${rtmpPort}/live/${streamKey}` };
  };

  // ---- 1 + 2: latency and overlay cue
  const measureLatency = async (encoder, label) => {
    const show = await newShow(`bench latency ${label}`, encoder.rtmpPort);
    const pusher = pushBarcode(show.url, params.seconds + 40);
    const page = await playerServer();
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'] });
    const tab = await browser.newPage();
    await tab.goto(page.url);
    while (!Number.isFinite(pusher.t0)) await sleep(100);
    await tab.evaluate(`window.t0 = ${pusher.t0}`);
    for (let i = 0; i < 300; i++) {
      if ((await fetch(`${encoder.url}/live/${show.id}/master.m3u8`)).status === 200 && segmentsIn(show.id, '360p') >= 2) break;
      await sleep(100);
    }
    await tab.evaluate(`window.start(${JSON.stringify(`${encoder.url}/live/${show.id}/master.m3u8`)})`);
    log(`${label}: playing; sampling ${params.seconds} s after 8 s of warm-up`);
    await sleep(8_000);
    await tab.evaluate('window.lat = []');
    const admin = token('bench-admin', ['admin']);
    const cueMs = [];
    const pins = 3;
    for (let i = 0; i < pins; i++) {
      const product = await call('POST', '/v1/products', { name: `Bench ${i}`, price: 1000, currency: 'KRW', stock: 5, sellerId: seller }, admin);
      await call('POST', `/v1/broadcasts/${show.id}/products`, { productId: product.id }, admin);
      const postAt = Date.now();
      await call('POST', `/v1/broadcasts/${show.id}/products/${product.id}/pin`, undefined, admin);
      // fired = the cue exists and playback has reached its start
      for (let w = 0; w < 400; w++) {
        const cue = (await tab.evaluate('window.metaCues()')).find((c) => c.data && c.data.includes(product.id));
        if (cue && (await tab.evaluate('document.getElementById("v").currentTime')) >= cue.start) {
          cueMs.push(Date.now() - postAt);
          break;
        }
        await sleep(25);
      }
      await sleep((params.seconds * 1000) / pins - 2_000);
    }
    const lat = (await tab.evaluate('window.lat')).filter((x) => x > 0 && x < 60_000).sort((a, b) => a - b);
    // what hls.js made of the playlist: parts seen, its own target latency
    const player = await tab.evaluate('({ lowLatencyMode: window.hls.lowLatencyMode, targetLatency: window.hls.targetLatency, parts: (window.hls.levels[window.hls.currentLevel]?.details?.partList || []).length })');
    await browser.close();
    page.close();
    pusher.kill('SIGKILL');
    log(`${label}: latency samples ${lat.length}, p50 ${percentile(lat, 50)} p95 ${percentile(lat, 95)} ms; overlay cues ${cueMs.join(', ')} ms; hls.js ${JSON.stringify(player)}`);
    return { lat, cueMs, player };
  };

  const latencyEnv = { ENCODER_LADDER: params.latencyLadder, ENCODER_X264_PRESET: params.latencyPreset };
  const baselineEncoder = await startEncoder({ ...latencyEnv, ENCODER_LL_PARTS: '1' });
  const baseline = await measureLatency(baselineEncoder, 'baseline (1 s segments, no parts)');
  await stopApp(baselineEncoder);
  const llEncoder = await startEncoder(latencyEnv);
  const { lat, cueMs, player } = await measureLatency(llEncoder, 'LL-HLS (1/3 s parts)');
  await stopApp(llEncoder);
  const encoder = params.maxStreams > 0 ? await startEncoder({}) : null;

  // ---- 3: capacity at the full ladder
  let streamsPerReplica = 0;
  let cpuPerStream = null;
  const steps = [];
  for (let k = 1; k <= params.maxStreams; k++) {
    const shows = await Promise.all(Array.from({ length: k }, (_, i) => newShow(`bench capacity ${k}.${i}`, encoder.rtmpPort)));
    const pushers = shows.map((s) => pushTestsrc(s.url, params.window + 20));
    await sleep(8_000);
    const before = shows.map((s) => segmentsIn(s.id, '360p'));
    const pids = transcoders(encoder.child.pid);
    const cpu0 = pids.reduce((a, p) => a + cpuSeconds(p), 0);
    const t0 = Date.now();
    await sleep(params.window * 1000);
    const wall = (Date.now() - t0) / 1000;
    const cpu = (pids.reduce((a, p) => a + cpuSeconds(p), 0) - cpu0) / wall;
    const rates = shows.map((s, i) => (segmentsIn(s.id, '360p') - before[i]) / wall);
    pushers.forEach((p) => p.kill('SIGKILL'));
    const keepsUp = rates.every((r) => r >= 0.9);
    steps.push({ streams: k, segmentsPerSecond: rates.map((r) => Number(r.toFixed(2))), ffmpegCores: Number(cpu.toFixed(2)), keepsUp });
    log(`${k} stream(s): segments/s ${rates.map((r) => r.toFixed(2)).join(', ')}, ffmpeg ${cpu.toFixed(2)} cores, ${keepsUp ? 'keeps up' : 'falls behind'}`);
    if (k === 1) cpuPerStream = Number(cpu.toFixed(2));
    await sleep(3_000);
    if (!keepsUp) break;
    streamsPerReplica = k;
  }

  writeResult(process.env.BENCH_RESULT || 'live', {
    params,
    result: {
      latencyMs: { p50: percentile(lat, 50), p95: percentile(lat, 95) },
      overlayCueMs: { p50: percentile([...cueMs].sort((a, b) => a - b), 50) },
      streamsPerReplica,
      cpuPerStream,
    },
    baseline: {
      what: 'same run, hls.js defaults, whole 1 s segments (ENCODER_LL_PARTS=1)',
      latencyMs: { p50: percentile(baseline.lat, 50), p95: percentile(baseline.lat, 95) },
      overlayCueMs: { p50: percentile([...baseline.cueMs].sort((a, b) => a - b), 50) },
      latencySamples: baseline.lat.length,
      player: baseline.player,
    },
    detail: { player, latencySamples: lat.length, overlayCueSamples: cueMs, capacitySteps: steps, cpuPerStreamUnit: 'cores (ffmpeg user+sys seconds per wall second) for one 720p input at the 720/480/360 ladder' },
  });
  const redis = new Redis(env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  await cleanUp(redis);
  redis.disconnect();
  rmSync(storage, { recursive: true, force: true });
}

main().catch(async (err) => {
  console.error(err);
  process.exit(1);
});
