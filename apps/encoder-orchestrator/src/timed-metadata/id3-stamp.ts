import { TsWriter, crc32mpeg, id3TimestampTag } from './id3';

const PACKET = 188;
/** ffmpeg numbers its streams from 0x100; this one stays clear of them. */
export const STAMP_ID3_PID = 0x01f0;

export interface SegmentTimes {
  /** PTS (90 kHz) of the first video frame, or null when the segment has none */
  firstPts: number | null;
}

interface Parsed {
  pmtPid: number | null;
  videoPid: number | null;
  firstPts: number | null;
}

const pidOf = (buf: Buffer, i: number) => ((buf[i + 1] & 0x1f) << 8) | buf[i + 2];
const payloadStart = (buf: Buffer, i: number) => {
  const afc = (buf[i + 3] >> 4) & 0x3;
  if (afc === 2) return -1; // adaptation field only
  return afc === 3 ? i + 5 + buf[i + 4] : i + 4;
};

function readPts(buf: Buffer, p: number): number {
  return (((buf[p] >> 1) & 0x07) * 2 ** 30) + (((buf.readUInt16BE(p + 1) >> 1) & 0x7fff) << 15) + ((buf.readUInt16BE(p + 3) >> 1) & 0x7fff);
}

function parse(ts: Buffer): Parsed {
  const out: Parsed = { pmtPid: null, videoPid: null, firstPts: null };
  for (let i = 0; i + PACKET <= ts.length; i += PACKET) {
    if (ts[i] !== 0x47) continue;
    const pid = pidOf(ts, i);
    const pusi = (ts[i + 1] & 0x40) !== 0;
    const p = payloadStart(ts, i);
    if (p < 0 || !pusi) continue;
    if (pid === 0 && out.pmtPid === null) {
      const s = p + 1 + ts[p];
      out.pmtPid = ((ts[s + 10] & 0x1f) << 8) | ts[s + 11];
    } else if (pid === out.pmtPid && out.videoPid === null) {
      const s = p + 1 + ts[p];
      const sectionLength = ((ts[s + 1] & 0x0f) << 8) | ts[s + 2];
      const end = s + 3 + sectionLength - 4;
      let q = s + 12 + (((ts[s + 10] & 0x0f) << 8) | ts[s + 11]);
      while (q + 5 <= end) {
        const type = ts[q];
        const esPid = ((ts[q + 1] & 0x1f) << 8) | ts[q + 2];
        if ((type === 0x1b || type === 0x24) && out.videoPid === null) out.videoPid = esPid;
        q += 5 + (((ts[q + 3] & 0x0f) << 8) | ts[q + 4]);
      }
    } else if (pid === out.videoPid && out.firstPts === null) {
      if (ts[p] === 0 && ts[p + 1] === 0 && ts[p + 2] === 1 && (ts[p + 7] & 0x80) !== 0) out.firstPts = readPts(ts, p + 9);
    }
    if (out.firstPts !== null) break;
  }
  return out;
}

/** The first video PTS of a TS segment (null if it has no video). */
export function segmentTimes(ts: Buffer): SegmentTimes {
  return { firstPts: parse(ts).firstPts };
}

/** Rewrites one PMT packet so the program also lists the timed_id3 stream. */
function withId3InPmt(ts: Buffer, i: number): void {
  const p = payloadStart(ts, i);
  const s = p + 1 + ts[p];
  const sectionLength = ((ts[s + 1] & 0x0f) << 8) | ts[s + 2];
  const body = ts.subarray(s, s + 3 + sectionLength - 4); // without CRC
  if (body.includes(Buffer.from([0x15, 0xe0 | (STAMP_ID3_PID >> 8), STAMP_ID3_PID & 0xff]))) return;
  const next = Buffer.concat([body, TsWriter.id3EsEntry(STAMP_ID3_PID)]);
  next.writeUInt16BE((next.readUInt16BE(1) & 0xf000) | (next.length + 4 - 3), 1);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32mpeg(next));
  const section = Buffer.concat([next, crc]);
  if (s + section.length > i + PACKET) return; // does not fit: leave the PMT as it was
  ts.fill(0xff, s, i + PACKET);
  section.copy(ts, s);
}

/**
 * Stamps ID3 tags into a finished TS segment: the PMT gains a timed_id3 stream and each tag
 * is appended as one PES at `firstPts + offsetSeconds`. The video and audio bytes stay as
 * ffmpeg wrote them. Every segment declares the stream, tags or not, so a player that starts
 * anywhere knows the PID.
 */
export function stampId3(segment: Buffer, tags: Array<{ tag: Buffer; offsetSeconds: number }>): Buffer {
  const ts = Buffer.from(segment);
  const { pmtPid, firstPts } = parse(ts);
  if (pmtPid === null) return segment;
  for (let i = 0; i + PACKET <= ts.length; i += PACKET) {
    if (ts[i] === 0x47 && pidOf(ts, i) === pmtPid && (ts[i + 1] & 0x40) !== 0) withId3InPmt(ts, i);
  }
  const writer = new TsWriter();
  const base = firstPts ?? 0;
  const stamp = firstPts === null ? [] : [writer.id3(id3TimestampTag(firstPts), firstPts, STAMP_ID3_PID)];
  const pes = tags.map(({ tag, offsetSeconds }) => writer.id3(tag, base + Math.max(0, offsetSeconds) * 90_000, STAMP_ID3_PID));
  return Buffer.concat([ts, ...stamp, ...pes]);
}

/** The ID3 tags carried by the timed_id3 streams of a TS segment, PES reassembled (tests and tools). */
export function id3TagsInTs(ts: Buffer): Buffer[] {
  const id3Pids = new Set<number>();
  let pmtPid: number | null = null;
  const open = new Map<number, Buffer[]>();
  const tags: Buffer[] = [];
  const flush = (pid: number) => {
    const parts = open.get(pid);
    open.delete(pid);
    if (!parts) return;
    const pes = Buffer.concat(parts);
    if (pes.length > 9 && pes[0] === 0 && pes[1] === 0 && pes[2] === 1) tags.push(pes.subarray(9 + pes[8]));
  };
  for (let i = 0; i + PACKET <= ts.length; i += PACKET) {
    if (ts[i] !== 0x47) continue;
    const pid = pidOf(ts, i);
    const pusi = (ts[i + 1] & 0x40) !== 0;
    const p = payloadStart(ts, i);
    if (p < 0) continue;
    if (pid === 0 && pusi) {
      const s = p + 1 + ts[p];
      pmtPid = ((ts[s + 10] & 0x1f) << 8) | ts[s + 11];
    } else if (pid === pmtPid && pusi) {
      const s = p + 1 + ts[p];
      const end = s + 3 + (((ts[s + 1] & 0x0f) << 8) | ts[s + 2]) - 4;
      let q = s + 12 + (((ts[s + 10] & 0x0f) << 8) | ts[s + 11]);
      while (q + 5 <= end) {
        if (ts[q] === 0x15) id3Pids.add(((ts[q + 1] & 0x1f) << 8) | ts[q + 2]);
        q += 5 + (((ts[q + 3] & 0x0f) << 8) | ts[q + 4]);
      }
    } else if (id3Pids.has(pid)) {
      if (pusi) flush(pid);
      if (pusi || open.has(pid)) open.set(pid, [...(open.get(pid) ?? []), ts.subarray(p, i + PACKET)]);
    }
  }
  for (const pid of [...open.keys()]) flush(pid);
  return tags;
}

/**
 * Whether the PMT declares an audio stream and whether any audio PES starts in the segment.
 * ffmpeg's first segment of a session can hold video only (the audio encoder's delay); a
 * player that builds its buffers from such a segment fails when audio then arrives, so the
 * packager holds those back.
 */
export function audioIn(ts: Buffer): { declared: boolean; present: boolean } {
  let pmtPid: number | null = null;
  const audio = new Set<number>();
  for (let i = 0; i + PACKET <= ts.length; i += PACKET) {
    if (ts[i] !== 0x47) continue;
    const pid = pidOf(ts, i);
    const pusi = (ts[i + 1] & 0x40) !== 0;
    const p = payloadStart(ts, i);
    if (p < 0 || !pusi) continue;
    if (pid === 0 && pmtPid === null) {
      const s = p + 1 + ts[p];
      pmtPid = ((ts[s + 10] & 0x1f) << 8) | ts[s + 11];
    } else if (pid === pmtPid && audio.size === 0) {
      const s = p + 1 + ts[p];
      const end = s + 3 + (((ts[s + 1] & 0x0f) << 8) | ts[s + 2]) - 4;
      let q = s + 12 + (((ts[s + 10] & 0x0f) << 8) | ts[s + 11]);
      while (q + 5 <= end) {
        if ([0x0f, 0x11, 0x03, 0x04, 0x81].includes(ts[q])) audio.add(((ts[q + 1] & 0x1f) << 8) | ts[q + 2]);
        q += 5 + (((ts[q + 3] & 0x0f) << 8) | ts[q + 4]);
      }
    } else if (audio.has(pid)) {
      return { declared: true, present: true };
    }
  }
  return { declared: audio.size > 0, present: false };
}

/**
 * Whether a TS chunk's first video packet is a random access point (ffmpeg sets the
 * adaptation field's random_access_indicator on keyframes): an INDEPENDENT part, and where
 * a segment may start.
 */
export function startsWithKeyframe(ts: Buffer): boolean {
  let pmtPid: number | null = null;
  let videoPid: number | null = null;
  for (let i = 0; i + PACKET <= ts.length; i += PACKET) {
    if (ts[i] !== 0x47) continue;
    const pid = pidOf(ts, i);
    const pusi = (ts[i + 1] & 0x40) !== 0;
    const p = payloadStart(ts, i);
    if (pid === 0 && pusi && p >= 0 && pmtPid === null) {
      const s = p + 1 + ts[p];
      pmtPid = ((ts[s + 10] & 0x1f) << 8) | ts[s + 11];
    } else if (pid === pmtPid && pusi && p >= 0 && videoPid === null) {
      const s = p + 1 + ts[p];
      const end = s + 3 + (((ts[s + 1] & 0x0f) << 8) | ts[s + 2]) - 4;
      let q = s + 12 + (((ts[s + 10] & 0x0f) << 8) | ts[s + 11]);
      while (q + 5 <= end) {
        if ((ts[q] === 0x1b || ts[q] === 0x24) && videoPid === null) videoPid = ((ts[q + 1] & 0x1f) << 8) | ts[q + 2];
        q += 5 + (((ts[q + 3] & 0x0f) << 8) | ts[q + 4]);
      }
    } else if (pid === videoPid && pusi) {
      const afc = (ts[i + 3] >> 4) & 0x3;
      return (afc === 2 || afc === 3) && ts[i + 4] > 0 && (ts[i + 5] & 0x40) !== 0;
    }
  }
  return false;
}
