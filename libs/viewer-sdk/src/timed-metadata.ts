import type { Overlay } from '@live/contracts';

/** The ID3 TXXX description the encoder stamps overlay changes with (VIDEO-CONTRACTS.md). */
export const OVERLAY_ID3_DESCRIPTION = 'live.overlay';

/** One overlay change carried in the video: the same objects the socket delivers. */
export interface OverlayCue {
  broadcastId: string;
  action: 'show' | 'hide';
  key: string;
  /** the overlay on show, null on hide */
  overlay: Overlay | null;
}

/** An ID3 frame as players hand it over (hls.js metadata TextTrack cue `value`). */
export interface Id3Frame {
  key: string;
  info?: string;
  data: unknown;
}

/**
 * Parses the JSON value of a `live.overlay` TXXX frame. Anything else (another frame, another
 * version, a malformed value) gives null: players carry other metadata too.
 */
export function parseOverlayCueValue(value: string): OverlayCue | null {
  let v: unknown;
  try {
    v = JSON.parse(value);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const c = v as Record<string, unknown>;
  if (c.v !== 1 || typeof c.broadcastId !== 'string' || typeof c.key !== 'string') return null;
  if (c.action === 'hide') return { broadcastId: c.broadcastId, action: 'hide', key: c.key, overlay: null };
  if (c.action !== 'show' || !isOverlay(c.overlay) || c.overlay.key !== c.key) return null;
  return { broadcastId: c.broadcastId, action: 'show', key: c.key, overlay: c.overlay };
}

function isOverlay(o: unknown): o is Overlay {
  if (typeof o !== 'object' || o === null) return false;
  const x = o as Record<string, unknown>;
  return (
    typeof x.key === 'string' &&
    typeof x.kind === 'string' &&
    typeof x.id === 'string' &&
    typeof x.data === 'object' &&
    x.data !== null &&
    typeof x.shownAt === 'string' &&
    (x.expiresAt === null || typeof x.expiresAt === 'string')
  );
}

/** A player's already-parsed frame (hls.js `cue.value`): TXXX with our description only. */
export function overlayCueFromFrame(frame: Id3Frame): OverlayCue | null {
  if (frame.key !== 'TXXX' || frame.info !== OVERLAY_ID3_DESCRIPTION || typeof frame.data !== 'string') return null;
  return parseOverlayCueValue(frame.data);
}

const synchsafe = (b: Uint8Array, i: number) => ((b[i] & 0x7f) << 21) | ((b[i + 1] & 0x7f) << 14) | ((b[i + 2] & 0x7f) << 7) | (b[i + 3] & 0x7f);

/** Text of an ID3 string in one of its four encodings (latin-1, UTF-16 with BOM, UTF-16BE, UTF-8). */
function decodeText(bytes: Uint8Array, encoding: number): string {
  if (encoding === 3 || encoding === 0) {
    return encoding === 3 ? new TextDecoder('utf-8').decode(bytes) : String.fromCharCode(...bytes);
  }
  let little = encoding === 1;
  let start = 0;
  if (encoding === 1 && bytes.length >= 2) {
    little = bytes[0] === 0xff && bytes[1] === 0xfe;
    start = 2;
  }
  let out = '';
  for (let i = start; i + 1 < bytes.length; i += 2) out += String.fromCharCode(little ? bytes[i] | (bytes[i + 1] << 8) : (bytes[i] << 8) | bytes[i + 1]);
  return out;
}

/** Where the terminator of a string in `encoding` starts, from `from` (or -1). */
function terminator(b: Uint8Array, from: number, encoding: number): number {
  const wide = encoding === 1 || encoding === 2;
  for (let i = from; i < b.length; i += wide ? 2 : 1) {
    if (b[i] === 0 && (!wide || b[i + 1] === 0)) return i;
  }
  return -1;
}

/**
 * Overlay cues in raw ID3v2.3/2.4 tags, e.g. hls.js `FRAG_PARSING_METADATA` samples' `data`
 * (several tags may follow one another). Frames other than `TXXX` `live.overlay` are skipped.
 */
export function overlayCuesFromId3(bytes: Uint8Array): OverlayCue[] {
  const cues: OverlayCue[] = [];
  let pos = 0;
  while (pos + 10 <= bytes.length && bytes[pos] === 0x49 && bytes[pos + 1] === 0x44 && bytes[pos + 2] === 0x33) {
    const version = bytes[pos + 3];
    const flags = bytes[pos + 5];
    const size = synchsafe(bytes, pos + 6);
    const end = Math.min(bytes.length, pos + 10 + size);
    let p = pos + 10;
    if (flags & 0x40) p += version === 4 ? synchsafe(bytes, p) : 4 + ((bytes[p] << 24) | (bytes[p + 1] << 16) | (bytes[p + 2] << 8) | bytes[p + 3]);
    while (p + 10 <= end) {
      const id = String.fromCharCode(bytes[p], bytes[p + 1], bytes[p + 2], bytes[p + 3]);
      if (id === '\0\0\0\0') break; // padding
      const frameSize = version === 4 ? synchsafe(bytes, p + 4) : (bytes[p + 4] << 24) | (bytes[p + 5] << 16) | (bytes[p + 6] << 8) | bytes[p + 7];
      const body = bytes.subarray(p + 10, Math.min(end, p + 10 + frameSize));
      if (id === 'TXXX' && body.length > 1) {
        const enc = body[0];
        const cut = terminator(body, 1, enc);
        if (cut > 0) {
          const info = decodeText(body.subarray(1, cut), enc);
          let value = decodeText(body.subarray(cut + (enc === 1 || enc === 2 ? 2 : 1)), enc);
          value = value.replace(/\0+$/, '');
          const cue = overlayCueFromFrame({ key: 'TXXX', info, data: value });
          if (cue) cues.push(cue);
        }
      }
      p += 10 + frameSize;
    }
    pos = pos + 10 + size + (flags & 0x10 ? 10 : 0); // a footer follows when flagged
  }
  return cues;
}

/** Builds the ID3v2.4 tag the encoder writes for one cue (tests, tools, fixtures). */
export function encodeOverlayId3(cue: OverlayCue): Uint8Array {
  const value = JSON.stringify({ v: 1, broadcastId: cue.broadcastId, action: cue.action, key: cue.key, overlay: cue.overlay });
  const enc = new TextEncoder();
  const body = new Uint8Array([3, ...enc.encode(OVERLAY_ID3_DESCRIPTION), 0, ...enc.encode(value)]);
  const safe = (n: number) => [(n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f];
  const frame = new Uint8Array([...enc.encode('TXXX'), ...safe(body.length), 0, 0, ...body]);
  return new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0, ...safe(frame.length), ...frame]);
}
