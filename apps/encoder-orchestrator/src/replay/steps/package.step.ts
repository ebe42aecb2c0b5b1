import type { ReplayLadder } from '@live/encoder-data-access';
import { cp, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { VodStorage } from '../../vod/vod.storage';
import type { TimelinePart } from '../recording-reader';
import type { SourceOutput } from './source.step';
import { StepContext, tool } from './step-context';
import { StepError } from './step-error';
import { SEGMENT_SECONDS } from './x264';

/** Replay time -> wall clock, the inverse of the recording timeline (for PROGRAM-DATE-TIME). */
function wallClockAt(parts: TimelinePart[], sec: number): number {
  const p = parts.find((x) => sec < x.offsetSec + x.durationSec) ?? parts[parts.length - 1];
  return p.startedAtMs + (sec - p.offsetSec) * 1000;
}

/**
 * One set of CMAF (fMP4) 4 s segments written by ffmpeg's dash muxer, which also writes the
 * HLS playlists over the same segments; then the chat subtitles are added to the HLS master
 * and the MPD, and thumbnails, chat and chapters are copied in. The whole folder is built
 * under a temporary name and renamed when complete.
 */
export async function packageStep(ctx: StepContext): Promise<Record<string, unknown>> {
  const src = ctx.outputs.source as SourceOutput;
  const { ladder } = ctx.outputs.ladder as { ladder: ReplayLadder };
  const enc = ctx.outputs.encode as { rungs: { name: string; file: string }[]; audio: string | null };
  const chat = ctx.outputs.chat as { cues: number };
  const encDir = path.join(ctx.workDir, 'encode');
  const final = path.join(ctx.workDir, 'out');
  const tmp = `${final}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });

  const inputs = [...enc.rungs.map((r) => path.join(encDir, r.file)), ...(enc.audio ? [path.join(encDir, enc.audio)] : [])];
  const args: string[] = [];
  for (const i of inputs) args.push('-i', i);
  inputs.forEach((_, i) => args.push('-map', `${i}:${i < enc.rungs.length ? 'v' : 'a'}:0`));
  args.push(
    '-c', 'copy', '-f', 'dash', '-seg_duration', String(SEGMENT_SECONDS), '-use_template', '1', '-use_timeline', '0',
    '-hls_playlist', '1', '-hls_master_name', 'master.m3u8',
    '-adaptation_sets', enc.audio ? 'id=0,streams=v id=1,streams=a' : 'id=0,streams=v',
    '-init_seg_name', 'init-$RepresentationID$.m4s', '-media_seg_name', 'chunk-$RepresentationID$-$Number%05d$.m4s',
    path.join(tmp, 'manifest.mpd'),
  );
  await tool(ctx, ctx.tools.ffmpeg, args);
  ctx.progress(60);

  const hasChat = (chat?.cues ?? 0) > 0;
  // HLS master: the chat track, and the rungs' names
  const masterPath = path.join(tmp, 'master.m3u8');
  let master = await readFile(masterPath, 'utf8');
  master = master.replace('#EXT-X-VERSION:7', '#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS');
  if (hasChat) {
    master = master.replace(
      '#EXT-X-INDEPENDENT-SEGMENTS',
      '#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="chat",NAME="Chat",LANGUAGE="ko",DEFAULT=YES,AUTOSELECT=YES,FORCED=NO,URI="chat/chat.m3u8"',
    );
    master = master.replace(/^(#EXT-X-STREAM-INF:.*)$/gm, '$1,SUBTITLES="chat"');
  }
  await writeFile(masterPath, master);

  // media playlists: PROGRAM-DATE-TIME from the recording's wall clock, not the packaging time
  for (const f of (await readdir(tmp)).filter((x) => /^media_\d+\.m3u8$/.test(x))) {
    const p = path.join(tmp, f);
    const lines = (await readFile(p, 'utf8')).split('\n');
    let t = 0;
    for (let i = 0; i < lines.length; i++) {
      const inf = /^#EXTINF:([\d.]+)/.exec(lines[i]);
      if (inf) {
        if (lines[i + 1]?.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) lines[i + 1] = `#EXT-X-PROGRAM-DATE-TIME:${new Date(wallClockAt(src.parts, t)).toISOString()}`;
        t += Number(inf[1]);
      }
    }
    await writeFile(p, lines.join('\n'));
  }

  // MPD: the chat as a WebVTT text adaptation set (one sidecar file)
  if (hasChat) {
    const mpdPath = path.join(tmp, 'manifest.mpd');
    const mpd = await readFile(mpdPath, 'utf8');
    const text = [
      '\t\t<AdaptationSet id="100" contentType="text" mimeType="text/vtt" lang="ko">',
      '\t\t\t<Role schemeIdUri="urn:mpeg:dash:role:2011" value="subtitle" />',
      '\t\t\t<Label>Chat</Label>',
      '\t\t\t<Representation id="chat" bandwidth="1000">',
      '\t\t\t\t<BaseURL>chat/chat.vtt</BaseURL>',
      '\t\t\t</Representation>',
      '\t\t</AdaptationSet>',
    ].join('\n');
    if (!mpd.includes('</Period>')) throw new StepError('PACKAGE_INVALID', 'the MPD has no Period');
    await writeFile(mpdPath, mpd.replace('</Period>', `${text}\n\t</Period>`));
    await cp(path.join(ctx.workDir, 'chat'), path.join(tmp, 'chat'), { recursive: true });
  }
  await cp(path.join(ctx.workDir, 'thumbnails'), path.join(tmp, 'thumbnails'), { recursive: true });
  await rename(path.join(tmp, 'thumbnails', 'thumbnails.vtt'), path.join(tmp, 'thumbnails.vtt'));
  await cp(path.join(ctx.workDir, 'chapters', 'chapters.json'), path.join(tmp, 'chapters.json'));
  await cp(path.join(ctx.workDir, 'chapters', 'chapters.vtt'), path.join(tmp, 'chapters.vtt'));
  await writeFile(
    path.join(tmp, 'replay.json'),
    JSON.stringify({ jobId: ctx.job.jobId, broadcastId: ctx.job.broadcastId, durationSec: src.durationSec, ladder, chat: hasChat }, null, 2),
  );
  await verifyPackage(tmp, enc.rungs.length + (enc.audio ? 1 : 0), hasChat);
  await rm(final, { recursive: true, force: true });
  await rename(tmp, final);
  return { renditions: inputs.length, chat: hasChat };
}

/** Never publish a broken replay: every playlist complete, every file it names present. */
async function verifyPackage(dir: string, renditions: number, hasChat: boolean): Promise<void> {
  const master = await readFile(path.join(dir, 'master.m3u8'), 'utf8');
  const playlists = [...master.matchAll(/^(media_\d+\.m3u8)$|URI="([^"]+\.m3u8)"/gm)].map((m) => m[1] ?? m[2]);
  if (new Set(playlists).size < renditions + (hasChat ? 1 : 0)) throw new StepError('PACKAGE_INVALID', `the master lists ${playlists.length} playlists, expected ${renditions}`);
  for (const pl of new Set(playlists)) {
    const text = await readFile(path.join(dir, pl), 'utf8').catch(() => '');
    if (!text.includes('#EXT-X-ENDLIST')) throw new StepError('PACKAGE_INVALID', `${pl} is missing or incomplete`);
    const base = path.dirname(path.join(dir, pl));
    const files = text.split('\n').filter((l) => l && !l.startsWith('#'));
    const map = /#EXT-X-MAP:URI="([^"]+)"/.exec(text);
    if (map) files.push(map[1]);
    for (const f of files) {
      const s = await stat(path.join(base, f)).catch(() => null);
      if (!s || s.size === 0) throw new StepError('PACKAGE_INVALID', `${pl} names ${f}, which is missing or empty`);
    }
  }
}

/** Swaps the finished folder in as the show's replay; a re-run after a crash is a no-op. */
export async function publishStep(ctx: StepContext, storage: VodStorage): Promise<Record<string, unknown>> {
  const out = path.join(ctx.workDir, 'out');
  const here = await stat(out).catch(() => null);
  if (!here) {
    const published = await storage.locate(ctx.job.broadcastId, 'replay.json');
    const meta = published ? (JSON.parse(await readFile(published.path, 'utf8')) as { jobId?: string }) : null;
    if (meta?.jobId === ctx.job.jobId) return { published: true, resumed: true };
    throw new StepError('PACKAGE_MISSING', 'the packaged replay is gone; retry the job to package it again');
  }
  await storage.publish(ctx.job.broadcastId, out);
  // the intermediate files are no longer needed
  await rm(ctx.workDir, { recursive: true, force: true });
  return { published: true };
}
