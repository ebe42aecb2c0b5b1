import type { ReplayLadder } from '@live/encoder-data-access';
import { mkdir, readdir, rename, rm, statfs } from 'node:fs/promises';
import path from 'node:path';
import type { SourceOutput } from './source.step';
import { StepContext, tool } from './step-context';
import { StepError } from './step-error';
import { gopArgs, x264RateArgs } from './x264';

const AUDIO_KBPS = 128;

/**
 * Every rung (and the audio) in one ffmpeg process: the source is decoded once and split.
 * Outputs are written as `.tmp` and renamed only after ffmpeg succeeded, so a run killed
 * half-way leaves nothing a re-run could mistake for a finished rung.
 */
export async function encodeStep(ctx: StepContext): Promise<Record<string, unknown>> {
  const src = ctx.outputs.source as SourceOutput;
  const { ladder } = ctx.outputs.ladder as { ladder: ReplayLadder };
  const dir = path.join(ctx.workDir, 'encode');
  await mkdir(dir, { recursive: true });
  // what a killed run left behind
  for (const f of await readdir(dir)) if (f.endsWith('.tmp')) await rm(path.join(dir, f), { force: true });

  const totalKbps = ladder.rungs.reduce((a, r) => a + r.videoKbps * 1.5, 0) + AUDIO_KBPS;
  // encode + packaged copy + headroom
  const needBytes = (src.durationSec * totalKbps * 1000) / 8 * 2.5;
  const fs = await statfs(dir);
  const freeBytes = fs.bavail * fs.bsize;
  if (freeBytes < needBytes) {
    throw new StepError('DISK_FULL', `the storage has ${(freeBytes / 1e6).toFixed(0)} MB free, the encode needs about ${(needBytes / 1e6).toFixed(0)} MB`);
  }

  // each rung keeps the source's display aspect ratio (the sample aspect absorbs the rounding
  // of even widths): the dash muxer refuses an adaptation set whose rungs disagree
  const splits = ladder.rungs.map((_, i) => `[s${i}]`).join('');
  const scales = ladder.rungs.map((r, i) => `[s${i}]scale=${r.width}:${r.height}:flags=bicubic,setdar=${src.width}/${src.height},format=yuv420p[v${i}]`).join(';');
  const filter = `[0:v:0]split=${ladder.rungs.length}${splits};${scales}`;
  const args = ['-i', src.source, '-filter_complex', filter, '-progress', 'pipe:1', '-nostats'];
  const outputs: { tmp: string; final: string }[] = [];
  ladder.rungs.forEach((r, i) => {
    const final = path.join(dir, `${r.name}.mp4`);
    outputs.push({ tmp: `${final}.tmp`, final });
    args.push('-map', `[v${i}]`, ...x264RateArgs(r.videoKbps, ctx.config.ENCODER_X264_PRESET), ...gopArgs(src.fps), '-an', '-f', 'mp4', `${final}.tmp`);
  });
  if (src.hasAudio) {
    const final = path.join(dir, 'audio.mp4');
    outputs.push({ tmp: `${final}.tmp`, final });
    args.push('-map', '0:a:0', '-vn', '-c:a', 'aac', '-b:a', `${AUDIO_KBPS}k`, '-ac', '2', '-ar', '48000', '-f', 'mp4', `${final}.tmp`);
  }
  const { stderr } = await tool(ctx, ctx.tools.ffmpeg, args, (sec) => ctx.progress(Math.min(99, (sec / src.durationSec) * 100)));
  for (const o of outputs) await rename(o.tmp, o.final);
  return {
    rungs: ladder.rungs.map((r) => ({ name: r.name, file: `${r.name}.mp4` })),
    audio: src.hasAudio ? 'audio.mp4' : null,
    log: stderr.slice(-500),
  };
}
