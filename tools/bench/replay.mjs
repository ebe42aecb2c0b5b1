#!/usr/bin/env node
// npm run bench:replay -- a 60 s 1080p30 generated recording through the whole replay job
// (quality ladder, encode, thumbnails, chat, chapters, CMAF packaging, publish) against bare
// ffmpeg encoding the same ladder in one process. Writes bench/results/replay.json.
//   BENCH_REPLAY_SECONDS (60), BENCH_REPLAY_SIZE (1920x1080)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { benchRun, num, root, sleep, writeResult } from './lib.mjs';
import { usage } from '../lib/usage.mjs';

usage(import.meta.url);

const require = createRequire(import.meta.url);
const jwt = require('jsonwebtoken');
const Redis = require('ioredis');

const seconds = num('BENCH_REPLAY_SECONDS', 60);
const size = process.env.BENCH_REPLAY_SIZE ?? '1920x1080';
const run = benchRun('replay');
const { log } = run;
execFileSync(process.execPath, ['tools/infra/debian-packages.mjs', 'ffmpeg'], { cwd: root, stdio: 'inherit' });
const storage = mkdtempSync(path.join(os.tmpdir(), 'bench-replay-'));
const redis = new Redis(run.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const show = `bench-${run.runId}`;

try {
  log(`preparing (build, database, migrations)`);
  await run.prepare(['encoder-orchestrator'], ['encoder-orchestrator', 'message-processor']);
  log(`generating a ${seconds} s ${size} 30 fps recording`);
  const dir = path.join(storage, 'recordings', show);
  execFileSync('mkdir', ['-p', dir]);
  execFileSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=30:duration=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
    '-vf', 'format=yuv420p', '-c:v', 'libx264', '-profile:v', 'main', '-preset', 'ultrafast', '-b:v', '12M', '-g', '60',
    '-c:a', 'aac', '-b:a', '128k', '-f', 'mpegts', path.join(dir, 'part-000.ts'),
  ]);
  const t0 = Date.now() - seconds * 1000 - 60_000;
  const manifest = { version: 1, broadcastId: show, parts: [{ file: 'part-000.ts', startedAt: new Date(t0).toISOString(), endedAt: new Date(t0 + seconds * 1000).toISOString() }], complete: true };
  execFileSync('sh', ['-c', `cat > '${path.join(dir, 'manifest.json')}'`], { input: JSON.stringify(manifest) });

  const app = await run.startApp('encoder-orchestrator', { ENCODER_STORAGE_DIR: storage, ENCODER_JOB_POLL_MS: '200' });
  const token = jwt.sign({ sub: 'bench', name: 'bench', roles: ['operator'] }, run.secret, { algorithm: 'HS256', expiresIn: '1h' });
  log('replay job requested');
  const res = await fetch(`${app.url}/v1/broadcasts/${show}/replay`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 202) throw new Error(`request answered ${res.status}: ${await res.text()}`);
  let replay;
  for (;;) {
    replay = await (await fetch(`${app.url}/v1/broadcasts/${show}/replay`)).json();
    if (replay.status === 'published') break;
    if (replay.job?.status === 'failed') throw new Error(`job failed: ${replay.job.reason}`);
    await sleep(500);
  }
  const job = replay.job;
  const wallSec = (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000;
  const steps = Object.fromEntries(job.steps.map((s) => [s.name, Math.round((Date.parse(s.endedAt) - Date.parse(s.startedAt)) / 100) / 10]));
  log(`job done in ${wallSec.toFixed(1)} s: ${JSON.stringify(steps)}`);
  await run.stopApp(app);

  // bare ffmpeg: the same rungs, rate control and keyframes, one process, no orchestration
  const ladder = replay.ladder;
  const out = path.join(storage, 'bare');
  execFileSync('mkdir', ['-p', out]);
  const splits = ladder.rungs.map((_, i) => `[s${i}]`).join('');
  const scales = ladder.rungs.map((r, i) => `[s${i}]scale=${r.width}:${r.height}:flags=bicubic,setdar=${size.replace('x', '/')},format=yuv420p[v${i}]`).join(';');
  const args = ['-hide_banner', '-loglevel', 'error', '-y', '-i', path.join(dir, 'part-000.ts'), '-filter_complex', `[0:v:0]split=${ladder.rungs.length}${splits};${scales}`];
  ladder.rungs.forEach((r, i) => {
    const k = r.videoKbps;
    args.push('-map', `[v${i}]`, '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'main', '-pix_fmt', 'yuv420p', '-b:v', `${k}k`, '-maxrate', `${Math.round(k * 1.5)}k`, '-bufsize', `${k * 2}k`,
      '-g', '120', '-keyint_min', '120', '-sc_threshold', '0', '-force_key_frames', 'expr:gte(t,n_forced*4)', '-an', '-f', 'mp4', path.join(out, `${r.name}.mp4`));
  });
  args.push('-map', '0:a:0', '-vn', '-c:a', 'aac', '-b:a', '128k', '-ac', '2', '-ar', '48000', '-f', 'mp4', path.join(out, 'audio.mp4'));
  log('bare ffmpeg: the same ladder in one process');
  const bareStart = process.hrtime.bigint();
  execFileSync('ffmpeg', args);
  const bareSec = Number(process.hrtime.bigint() - bareStart) / 1e9;

  const result = {
    realtimeFactor: Math.round((seconds / wallSec) * 100) / 100,
    // the encode step against bare ffmpeg doing the same encodes: what the orchestration costs
    overheadPct: Math.round(((steps.encode - bareSec) / bareSec) * 1000) / 10,
    // the whole job (quality analysis, thumbnails, packaging...) against the bare encode
    wholeJobVsBareEncodePct: Math.round(((wallSec - bareSec) / bareSec) * 1000) / 10,
    ladder: ladder.rungs.map((r) => ({ rung: r.name, width: r.width, height: r.height, videoKbps: r.videoKbps, score: r.score, belowTarget: r.belowTarget, probes: r.probes })),
    metric: ladder.metric,
    target: ladder.target,
  };
  writeResult('replay', {
    config: { seconds, size, fps: 30, preset: 'veryfast', rungs: ladder.rungs.length },
    result,
    jobSeconds: wallSec,
    bareEncodeSeconds: Math.round(bareSec * 10) / 10,
    stepSeconds: steps,
  });
} finally {
  await run.cleanUp(redis).catch((e) => console.error(`clean-up: ${e.message}`));
  redis.disconnect();
  rmSync(storage, { recursive: true, force: true });
}
