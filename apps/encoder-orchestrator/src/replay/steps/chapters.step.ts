import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readRecordingMetadata, recordingDir } from '../recording-reader';
import { chaptersFrom, chaptersVtt } from '../webvtt';
import type { SourceOutput } from './source.step';
import type { StepContext } from './step-context';

/** Shoppable chapters: each product pin, coupon exposure and poll, from the recording's metadata.jsonl. */
export async function chaptersStep(ctx: StepContext): Promise<Record<string, unknown>> {
  const src = ctx.outputs.source as SourceOutput;
  const events = ctx.job.source.kind === 'recording' ? await readRecordingMetadata(recordingDir(ctx.config.ENCODER_STORAGE_DIR, ctx.job.broadcastId)) : [];
  const chapters = chaptersFrom(events, src.parts, src.durationSec);
  const final = path.join(ctx.workDir, 'chapters');
  const tmp = `${final}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await writeFile(path.join(tmp, 'chapters.json'), JSON.stringify({ broadcastId: ctx.job.broadcastId, chapters }, null, 2));
  await writeFile(path.join(tmp, 'chapters.vtt'), chaptersVtt(chapters));
  await rm(final, { recursive: true, force: true });
  await rename(tmp, final);
  return { chapters: chapters.length };
}
