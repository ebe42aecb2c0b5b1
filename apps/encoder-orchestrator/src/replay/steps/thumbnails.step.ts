import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { thumbnailsVtt } from '../webvtt';
import type { SourceOutput } from './source.step';
import { StepContext, tool } from './step-context';

const COLUMNS = 10;
const ROWS = 10;
const THUMB_HEIGHT = 90;

/** Seek thumbnails: sprite sheets of 10x10 small frames and a WebVTT track with `#xywh=`. */
export async function thumbnailsStep(ctx: StepContext): Promise<Record<string, unknown>> {
  const src = ctx.outputs.source as SourceOutput;
  const final = path.join(ctx.workDir, 'thumbnails');
  const tmp = `${final}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const intervalSec = src.durationSec <= 120 ? 2 : src.durationSec <= 1200 ? 5 : 10;
  const width = Math.max(2, Math.round((THUMB_HEIGHT * src.width) / src.height / 2) * 2);
  await tool(
    ctx,
    ctx.tools.ffmpeg,
    ['-i', src.source, '-an', '-vf', `fps=1/${intervalSec},scale=${width}:${THUMB_HEIGHT},tile=${COLUMNS}x${ROWS}`, '-q:v', '5', '-start_number', '0', '-f', 'image2', path.join(tmp, 'sprite-%03d.jpg')],
    (sec) => ctx.progress(Math.min(99, (sec / src.durationSec) * 100)),
  );
  const sheets = (await readdir(tmp)).filter((f) => f.endsWith('.jpg')).length;
  // never point past the last frame the sheets hold
  const count = Math.min(Math.ceil(src.durationSec / intervalSec), sheets * COLUMNS * ROWS);
  const vtt = thumbnailsVtt({ count, intervalSec, durationSec: src.durationSec, width, height: THUMB_HEIGHT, columns: COLUMNS, rows: ROWS }, (s) => `thumbnails/sprite-${String(s).padStart(3, '0')}.jpg`);
  await writeFile(path.join(tmp, 'thumbnails.vtt'), vtt);
  await rm(final, { recursive: true, force: true });
  await rename(tmp, final);
  return { sheets, count, intervalSec, width, height: THUMB_HEIGHT };
}
