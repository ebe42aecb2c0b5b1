import { rename, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { TimelinePart, readRecordingManifest, recordingDir } from '../recording-reader';
import { StepContext, probeTool, tool } from './step-context';
import { StepError } from './step-error';

export interface SourceOutput {
  [key: string]: unknown;
  source: string;
  durationSec: number;
  width: number;
  height: number;
  fps: number;
  hasAudio: boolean;
  parts: TimelinePart[];
  /** wall-clock time of the first frame, ISO */
  startedAt: string;
}

interface Probe {
  streams?: { codec_type?: string; width?: number; height?: number; r_frame_rate?: string; avg_frame_rate?: string }[];
  format?: { duration?: string };
}

async function probe(ctx: StepContext, file: string): Promise<Probe> {
  const { stdout } = await probeTool(ctx, ['-show_entries', 'format=duration:stream=codec_type,width,height,r_frame_rate,avg_frame_rate', '-of', 'json', file]);
  return JSON.parse(stdout) as Probe;
}

const rate = (r?: string) => {
  const [n, d] = (r ?? '0/1').split('/').map(Number);
  return d ? n / d : 0;
};

/**
 * The recording's readable parts, joined back to back into one source file (stream copy),
 * with the wall-clock timeline of each part for chat and chapters. Unreadable or empty
 * parts are left out with a warning; nothing readable fails the job for good.
 */
export async function sourceStep(ctx: StepContext): Promise<SourceOutput> {
  const dir = path.join(ctx.workDir, 'source');
  await mkdir(dir, { recursive: true });
  const src = ctx.job.source;
  let parts: TimelinePart[];
  let input: string;
  if (src.kind === 'file') {
    const s = await stat(src.path).catch(() => null);
    if (!s) throw new StepError('NO_RECORDING', `no file at ${src.path}`, true);
    if (s.size === 0) throw new StepError('EMPTY_RECORDING', 'the file is empty', true);
    input = src.path;
    parts = [{ file: path.basename(src.path), startedAtMs: ctx.job.createdAt.getTime(), offsetSec: 0, durationSec: 0 }];
  } else {
    const recDir = recordingDir(ctx.config.ENCODER_STORAGE_DIR, ctx.job.broadcastId);
    const manifest = await readRecordingManifest(recDir);
    parts = [];
    let offset = 0;
    const skipped: string[] = [];
    for (const part of manifest.parts) {
      const file = path.join(recDir, part.file);
      const s = await stat(file).catch(() => null);
      if (!s || s.size === 0) {
        skipped.push(`${part.file} (${s ? 'empty' : 'missing'})`);
        continue;
      }
      let duration = 0;
      try {
        const p = await probe(ctx, file);
        if (p.streams?.some((x) => x.codec_type === 'video')) duration = Number(p.format?.duration ?? 0);
      } catch {
        duration = 0;
      }
      if (!(duration > 0)) {
        skipped.push(`${part.file} (unreadable)`);
        continue;
      }
      parts.push({ file, startedAtMs: Date.parse(part.startedAt), offsetSec: offset, durationSec: duration });
      offset += duration;
    }
    if (skipped.length) ctx.warn(`PARTS_SKIPPED: recording parts left out: ${skipped.join(', ')}`);
    if (parts.length === 0) {
      const allEmpty = skipped.every((s) => !s.endsWith('(unreadable)'));
      throw allEmpty
        ? new StepError('EMPTY_RECORDING', 'the recording holds no video (zero-length show)', true)
        : new StepError('CORRUPT_RECORDING', `no part of the recording can be read: ${skipped.join(', ')}`, true);
    }
    if (parts.length === 1) {
      input = parts[0].file;
    } else {
      // the concat demuxer plays the parts back to back with continuous timestamps
      const list = path.join(dir, 'parts.txt');
      await writeFile(list, parts.map((p) => `file '${p.file.replace(/'/g, "'\\''")}'`).join('\n') + '\n');
      const joined = path.join(dir, 'source.mkv');
      const tmp = `${joined}.tmp`;
      await rm(tmp, { force: true });
      await tool(ctx, ctx.tools.ffmpeg, ['-f', 'concat', '-safe', '0', '-i', list, '-map', '0:v:0', '-map', '0:a:0?', '-c', 'copy', '-f', 'matroska', tmp]);
      await rename(tmp, joined);
      input = joined;
    }
  }
  let p: Probe;
  try {
    p = await probe(ctx, input);
  } catch (err) {
    throw new StepError('CORRUPT_RECORDING', `the recording cannot be read: ${err instanceof Error ? err.message : err}`, true);
  }
  const video = p.streams?.find((s) => s.codec_type === 'video');
  if (!video?.width || !video.height) throw new StepError('CORRUPT_RECORDING', 'the recording has no readable video stream', true);
  const durationSec = Number(p.format?.duration ?? 0);
  if (!(durationSec >= 1)) throw new StepError('EMPTY_RECORDING', `the recording is ${durationSec || 0} s long: nothing to replay`, true);
  const hasAudio = p.streams?.some((s) => s.codec_type === 'audio') ?? false;
  if (!hasAudio) ctx.warn('NO_AUDIO: the recording has no audio; the replay is video only');
  if (src.kind === 'file') parts[0].durationSec = durationSec;
  const fps = rate(video.avg_frame_rate) || rate(video.r_frame_rate) || 30;
  return {
    source: input,
    durationSec,
    width: video.width,
    height: video.height,
    fps: Math.min(60, Math.round(fps * 1000) / 1000),
    hasAudio,
    parts,
    startedAt: new Date(parts[0].startedAtMs).toISOString(),
  };
}
