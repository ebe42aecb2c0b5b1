import { TimelinePart, videoTimeAtOrAfter, videoTimeOf } from './recording-reader';

/** `HH:MM:SS.mmm`, WebVTT's timestamp. */
export function vttTime(seconds: number): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

/** Cue text must not hold `-->` or a blank line, and `<`/`&` are markup. */
export const vttEscape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n+/g, ' ').trim();

export interface Cue {
  id: string;
  start: number;
  end: number;
  text: string;
}

export interface ChatLineIn {
  messageId: string;
  userName: string;
  text: string;
  acceptedAt: Date;
}

/**
 * Chat lines -> subtitle cues on the video timeline: each line from the moment it was
 * accepted, on screen for `holdSec` (less if the video ends). Lines sent while no video was
 * recorded (between two ingest sessions) have no place in the replay and are left out.
 */
export function chatCues(lines: ChatLineIn[], parts: TimelinePart[], durationSec: number, holdSec: number): Cue[] {
  const cues: Cue[] = [];
  for (const l of lines) {
    const start = videoTimeOf(parts, l.acceptedAt.getTime());
    if (start === null || start >= durationSec) continue;
    cues.push({ id: l.messageId, start, end: Math.min(durationSec, start + holdSec), text: `<v ${vttEscape(l.userName)}>${vttEscape(l.text)}` });
  }
  return cues.sort((a, b) => a.start - b.start);
}

/** A whole WebVTT file. `header` lines go after `WEBVTT` (e.g. X-TIMESTAMP-MAP). */
export function vttFile(cues: Cue[], header: string[] = []): string {
  const body = cues.map((c) => `${c.id}\n${vttTime(c.start)} --> ${vttTime(c.end)}\n${c.text}\n`).join('\n');
  return `WEBVTT${header.length ? `\n${header.join('\n')}` : ''}\n\n${body}`;
}

/**
 * Cues cut into `segmentSec` WebVTT segments for an HLS subtitles playlist: a cue goes into
 * every segment it overlaps (players drop the repeats), so seeking anywhere shows what is on.
 */
export function segmentCues(cues: Cue[], durationSec: number, segmentSec: number): Cue[][] {
  const count = Math.max(1, Math.ceil(durationSec / segmentSec - 1e-9));
  const segments: Cue[][] = Array.from({ length: count }, () => []);
  for (const c of cues) {
    const first = Math.floor(c.start / segmentSec);
    const last = Math.min(count - 1, Math.floor(Math.max(c.start, c.end - 1e-6) / segmentSec));
    for (let i = first; i <= last && i < count; i++) segments[i].push(c);
  }
  return segments;
}

/** The media playlist of a segmented WebVTT track. */
export function subtitlePlaylist(segmentFiles: string[], durationSec: number, segmentSec: number): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:6', `#EXT-X-TARGETDURATION:${Math.ceil(segmentSec)}`, '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:VOD'];
  segmentFiles.forEach((file, i) => {
    const len = Math.min(segmentSec, durationSec - i * segmentSec);
    lines.push(`#EXTINF:${Math.max(0.001, len).toFixed(3)},`, file);
  });
  lines.push('#EXT-X-ENDLIST', '');
  return lines.join('\n');
}

export interface OverlayEvent {
  at: string;
  overlayId: string;
  action: 'show' | 'hide';
  kind: string;
  payload: unknown;
}

export interface Chapter {
  /** chapter id, stable across re-runs: `<kind>-<n>` */
  id: string;
  kind: 'product' | 'coupon' | 'poll';
  /** the product, coupon or poll id */
  refId: string;
  title: string;
  start: number;
  end: number;
  shownAt: string;
}

const CHAPTER_KINDS = new Set(['product', 'coupon', 'poll']);

/**
 * Each product pin, coupon exposure and poll of the show -> a chapter from the moment it was
 * shown to the moment it went away (or the next show of the same slot, or the end).
 */
export function chaptersFrom(events: OverlayEvent[], parts: TimelinePart[], durationSec: number): Chapter[] {
  const sorted = [...events].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const open = new Map<string, Chapter>();
  const chapters: Chapter[] = [];
  const counters = new Map<string, number>();
  const close = (key: string, atSec: number) => {
    const c = open.get(key);
    if (c) c.end = Math.max(c.start, Math.min(durationSec, atSec));
    open.delete(key);
  };
  for (const e of sorted) {
    const atSec = videoTimeAtOrAfter(parts, Date.parse(e.at));
    if (e.action === 'hide') {
      close(e.overlayId, atSec ?? durationSec);
      continue;
    }
    if (!CHAPTER_KINDS.has(e.kind) || atSec === null || atSec >= durationSec) continue;
    close(e.overlayId, atSec);
    const payload = (e.payload ?? {}) as { id?: unknown; data?: Record<string, unknown> };
    const refId = typeof payload.id === 'string' ? payload.id : e.overlayId;
    const data = payload.data ?? {};
    const label = [data.name, data.title, data.question, data.code].find((v) => typeof v === 'string') as string | undefined;
    const n = (counters.get(e.kind) ?? 0) + 1;
    counters.set(e.kind, n);
    const kindTitle = e.kind === 'product' ? 'Product' : e.kind === 'coupon' ? 'Coupon' : 'Poll';
    const chapter: Chapter = {
      id: `${e.kind}-${n}`,
      kind: e.kind as Chapter['kind'],
      refId,
      title: `${kindTitle}: ${label ?? refId}`,
      start: atSec,
      end: durationSec,
      shownAt: e.at,
    };
    open.set(e.overlayId, chapter);
    chapters.push(chapter);
  }
  return chapters;
}

/** WebVTT chapters track: the cue id is the chapter id, the payload a JSON with the ids. */
export function chaptersVtt(chapters: Chapter[]): string {
  return vttFile(
    chapters.map((c) => ({ id: c.id, start: c.start, end: c.end, text: vttEscape(c.title) })),
  );
}

/** A seek-thumbnail track: one cue per thumbnail pointing into its sprite with `#xywh=`. */
export function thumbnailsVtt(
  o: { count: number; intervalSec: number; durationSec: number; width: number; height: number; columns: number; rows: number },
  spriteName: (sheet: number) => string,
): string {
  const perSheet = o.columns * o.rows;
  const cues: Cue[] = [];
  for (let i = 0; i < o.count; i++) {
    const sheet = Math.floor(i / perSheet);
    const idx = i % perSheet;
    const x = (idx % o.columns) * o.width;
    const y = Math.floor(idx / o.columns) * o.height;
    const start = i * o.intervalSec;
    if (start >= o.durationSec) break;
    cues.push({ id: `t${i}`, start, end: Math.min(o.durationSec, start + o.intervalSec), text: `${spriteName(sheet)}#xywh=${x},${y},${o.width},${o.height}` });
  }
  return vttFile(cues);
}
