import type { LadderRung, ReplayLadder } from '@live/encoder-data-access';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { lowestReaching, plannedRungs, vmafLikeFromSsim } from '../ladder';
import type { SourceOutput } from './source.step';
import { StepContext, tool } from './step-context';
import { StepError } from './step-error';
import { x264RateArgs } from './x264';

const SAMPLE_SECONDS = 3;

/** Where the probe samples start: one for a short show, two or three spread over a longer one. */
function samplePositions(durationSec: number): number[] {
  const len = Math.min(SAMPLE_SECONDS, durationSec);
  const n = durationSec >= 300 ? 3 : durationSec >= 30 ? 2 : 1;
  return Array.from({ length: n }, (_, i) => Math.max(0, ((i + 0.5) * durationSec) / n - len / 2));
}

/**
 * The ladder by quality: for each rung, short probe encodes at candidate bitrates scored
 * against the source at the rung's own size (VMAF v0.6.1 through an ffmpeg with libvmaf,
 * else SSIM mapped onto VMAF's scale); the lowest bitrate reaching the target is kept.
 */
export async function ladderStep(ctx: StepContext): Promise<Record<string, unknown>> {
  const src = ctx.outputs.source as SourceOutput;
  const dir = path.join(ctx.workDir, 'ladder');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const metric: ReplayLadder['metric'] = ctx.tools.vmafFfmpeg ? 'vmaf' : 'ssim';
  const target = ctx.config.ENCODER_REPLAY_QUALITY_TARGET;
  const plans = plannedRungs(src.width, src.height);
  const positions = samplePositions(src.durationSec);
  const len = Math.min(SAMPLE_SECONDS, src.durationSec);
  const fps = src.fps;
  const expectedProbes = plans.length * 3;
  let probesDone = 0;

  const rungs: LadderRung[] = [];
  for (const plan of plans) {
    // the reference: the source sample at the rung's size, lossless
    const refs: string[] = [];
    for (const [i, pos] of positions.entries()) {
      const ref = path.join(dir, `ref-${plan.height}-${i}.mkv`);
      await tool(ctx, ctx.tools.ffmpeg, [
        '-ss', pos.toFixed(3), '-t', len.toFixed(3), '-i', src.source, '-an',
        '-vf', `scale=${plan.width}:${plan.height}:flags=lanczos,setsar=1,format=yuv420p`, '-c:v', 'ffv1', '-f', 'matroska', ref,
      ]);
      refs.push(ref);
    }
    const score = async (kbps: number) => {
      const scores: number[] = [];
      for (const [i, ref] of refs.entries()) {
        const probe = path.join(dir, `probe-${plan.height}-${kbps}-${i}.mp4`);
        await tool(ctx, ctx.tools.ffmpeg, ['-i', ref, ...x264RateArgs(kbps, ctx.config.ENCODER_X264_PRESET), '-f', 'mp4', probe]);
        scores.push(await measure(ctx, metric, probe, ref, fps));
        await rm(probe, { force: true });
      }
      probesDone++;
      ctx.progress(Math.min(99, (probesDone / expectedProbes) * 100));
      return Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 100) / 100;
    };
    const best = await lowestReaching(plan.candidates, target, score);
    rungs.push({ name: plan.name, width: plan.width, height: plan.height, videoKbps: best.kbps, score: best.score, belowTarget: best.belowTarget, probes: best.probes });
  }
  await rm(dir, { recursive: true, force: true });
  const ladder: ReplayLadder = { metric, target, rungs };
  return { ladder };
}

async function measure(ctx: StepContext, metric: ReplayLadder['metric'], distorted: string, ref: string, fps: number): Promise<number> {
  // frame-number timestamps on both sides: the two files' time bases differ, and framesync
  // would otherwise pair frames by rounded times and compare neighbours
  const sync = `setpts=N/(${fps}*TB)`;
  if (metric === 'vmaf') {
    const { stderr } = await tool(ctx, ctx.tools.vmafFfmpeg!, [
      '-i', distorted, '-i', ref,
      '-lavfi', `[0:v]${sync}[d];[1:v]${sync}[r];[d][r]libvmaf=model_path=${ctx.tools.vmafModel}:n_subsample=2`,
      '-f', 'null', '-',
    ]);
    const m = /VMAF score[:=]\s*([\d.]+)/.exec(stderr);
    if (!m) throw new StepError('TOOL_FAILED', 'libvmaf printed no score');
    return Number(m[1]);
  }
  const { stderr } = await tool(ctx, ctx.tools.ffmpeg, ['-i', distorted, '-i', ref, '-lavfi', `[0:v]${sync}[d];[1:v]${sync}[r];[d][r]ssim`, '-f', 'null', '-']);
  const m = /All:([\d.]+)/.exec(stderr);
  if (!m) throw new StepError('TOOL_FAILED', 'the ssim filter printed no score');
  return vmafLikeFromSsim(Number(m[1]));
}
