import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PartSpec {
  seconds: number;
  /** wall-clock gap before the next part (the encoder reconnecting) */
  gapAfterSec?: number;
}

/** One MPEG-TS part as the live pipeline records it: H.264 main + AAC (or video only). */
export async function makeTsPart(file: string, seconds: number, size = '854x480', audio = true): Promise<void> {
  const args = ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=30:duration=${seconds}`];
  if (audio) args.push('-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`);
  args.push('-vf', 'format=yuv420p', '-c:v', 'libx264', '-profile:v', 'main', '-preset', 'ultrafast', '-g', '30');
  if (audio) args.push('-c:a', 'aac', '-b:a', '96k');
  args.push('-f', 'mpegts', file);
  await run('ffmpeg', args, { timeout: 120_000 });
}

/**
 * A recording in the layout of src/recording/recording.manifest.ts: parts, manifest.json
 * (complete) and metadata.jsonl. Returns the wall-clock start of each part.
 */
export async function makeRecording(
  storageDir: string,
  broadcastId: string,
  o: { parts: PartSpec[]; t0: number; size?: string; audio?: boolean; metadata?: unknown[] },
): Promise<number[]> {
  const dir = path.join(storageDir, 'recordings', broadcastId);
  await mkdir(dir, { recursive: true });
  const starts: number[] = [];
  let t = o.t0;
  const parts = [];
  for (const [i, p] of o.parts.entries()) {
    const file = `part-${String(i).padStart(3, '0')}.ts`;
    await makeTsPart(path.join(dir, file), p.seconds, o.size, o.audio ?? true);
    starts.push(t);
    parts.push({ file, startedAt: new Date(t).toISOString(), endedAt: new Date(t + p.seconds * 1000).toISOString() });
    t += (p.seconds + (p.gapAfterSec ?? 0)) * 1000;
  }
  await writeFile(path.join(dir, 'manifest.json'), JSON.stringify({ version: 1, broadcastId, parts, complete: true }));
  await writeFile(path.join(dir, 'metadata.jsonl'), (o.metadata ?? []).map((m) => JSON.stringify(m)).join('\n') + '\n');
  return starts;
}

export async function ffprobeJson(file: string, entries: string): Promise<any> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', entries, '-of', 'json', file], { timeout: 60_000 });
  return JSON.parse(stdout);
}
