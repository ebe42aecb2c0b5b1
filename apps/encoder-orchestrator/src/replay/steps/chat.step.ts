import type { ChatMessageRepository } from '@live/chat-data-access';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { chatCues, segmentCues, subtitlePlaylist, vttFile } from '../webvtt';
import type { SourceOutput } from './source.step';
import type { StepContext } from './step-context';
import { SEGMENT_SECONDS } from './x264';

/**
 * Chat replay: the lines viewers saw (shown, not deleted), read through the chat lib, put on
 * the video timeline by wall clock and cut into 4 s WebVTT segments plus one whole file (DASH).
 */
export async function chatStep(ctx: StepContext, chat: ChatMessageRepository): Promise<Record<string, unknown>> {
  const src = ctx.outputs.source as SourceOutput;
  if (ctx.job.source.kind !== 'recording') return { lines: 0, cues: 0 };
  const from = new Date(src.parts[0].startedAtMs);
  const last = src.parts[src.parts.length - 1];
  const to = new Date(last.startedAtMs + last.durationSec * 1000 + 1);
  const lines = await chat.replayLines(ctx.job.broadcastId, from, to);
  const cues = chatCues(lines, src.parts, src.durationSec, ctx.config.ENCODER_CHAT_CUE_SECONDS);
  if (cues.length === 0) {
    ctx.warn('NO_CHAT: no chat line was shown during the recording; the replay has no chat track');
    return { lines: lines.length, cues: 0 };
  }
  const final = path.join(ctx.workDir, 'chat');
  const tmp = `${final}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const segments = segmentCues(cues, src.durationSec, SEGMENT_SECONDS);
  const files: string[] = [];
  for (const [i, seg] of segments.entries()) {
    const file = `chat-${String(i).padStart(5, '0')}.vtt`;
    // the video starts at media time 0: cue times are replay times
    await writeFile(path.join(tmp, file), vttFile(seg, ['X-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00.000']));
    files.push(file);
  }
  await writeFile(path.join(tmp, 'chat.m3u8'), subtitlePlaylist(files, src.durationSec, SEGMENT_SECONDS));
  await writeFile(path.join(tmp, 'chat.vtt'), vttFile(cues));
  await rm(final, { recursive: true, force: true });
  await rename(tmp, final);
  return { lines: lines.length, cues: cues.length, segments: files.length };
}
