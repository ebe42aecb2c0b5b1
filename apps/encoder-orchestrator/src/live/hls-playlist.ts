/**
 * Our own HLS playlists over ffmpeg's chunks: ffmpeg's per-session playlists are private
 * (work dir); viewers get these, which continue across encoder reconnects and ffmpeg restarts
 * (EXT-X-DISCONTINUITY), carry EXT-X-PROGRAM-DATE-TIME on every segment and list only
 * segments and parts already written in full (a file is renamed into place before it is
 * listed). With parts (LL-HLS) each ffmpeg chunk is a part, listed as it lands, and the
 * segment (the parts back to back) is listed when the next keyframe opens the next one.
 */

export interface PartEntry {
  uri: string;
  duration: number;
  /** starts with a keyframe */
  independent: boolean;
}

export interface SegmentEntry {
  /** media sequence number, continuous for the whole show */
  msn: number;
  uri: string;
  duration: number;
  programDateTime: Date;
  /** first segment after a reconnect or an ffmpeg restart */
  discontinuity: boolean;
  /** its parts (LL-HLS), listed while the segment is near the live edge */
  parts?: PartEntry[];
}

export interface PlaylistSnapshot {
  segments: Array<Omit<SegmentEntry, 'programDateTime'> & { programDateTime: string }>;
  discontinuitySequence: number;
  ended: boolean;
}

/** The segment being built: its parts so far. */
export interface OpenSegment {
  msn: number;
  programDateTime: Date;
  discontinuity: boolean;
  parts: PartEntry[];
}

export interface Rung {
  name: string;
  width: number;
  height: number;
  videoKbps: number;
  audioKbps: number;
}

export interface LowLatency {
  /** EXT-X-PART-INF PART-TARGET (s): no part is longer */
  partTarget: number;
  /** next part's URI for EXT-X-PRELOAD-HINT */
  nextPartUri: () => string;
}

/** Complete segments whose parts are still listed (the spec asks for about three target durations). */
const PART_SEGMENTS = 3;

/** One rung's live playlist: a sliding window of the last `windowSize` segments, plus the open one's parts. */
export class LivePlaylist {
  private readonly segments: SegmentEntry[] = [];
  private discontinuitySequence = 0;
  private ended = false;
  open: OpenSegment | null = null;

  constructor(
    private readonly windowSize = 6,
    private readonly lowLatency: LowLatency | null = null,
  ) {}

  get nextMsn(): number {
    if (this.open) return this.open.msn + 1;
    return this.segments.length ? this.segments[this.segments.length - 1].msn + 1 : 0;
  }

  get length(): number {
    return this.segments.length;
  }

  /** something a player can load: a segment or a part */
  get hasMedia(): boolean {
    return this.segments.length > 0 || (this.open?.parts.length ?? 0) > 0;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  get lastMsn(): number {
    return this.segments.length ? this.segments[this.segments.length - 1].msn : -1;
  }

  add(segment: SegmentEntry): SegmentEntry[] {
    this.segments.push(segment);
    const dropped: SegmentEntry[] = [];
    while (this.segments.length > this.windowSize) {
      const old = this.segments.shift()!;
      if (this.segments[0].discontinuity) this.discontinuitySequence += 1;
      dropped.push(old);
    }
    return dropped;
  }

  /** A part of the segment being built (opens it when `open` is given). */
  addPart(part: PartEntry, open?: Omit<OpenSegment, 'parts'>): void {
    if (open) this.open = { ...open, parts: [] };
    if (!this.open) throw new Error('no open segment for the part');
    this.open.parts.push(part);
  }

  /** The open segment is complete as `uri`: it joins the window; returns what slid out. */
  closeOpen(uri: string): SegmentEntry[] {
    const o = this.open;
    if (!o) return [];
    this.open = null;
    return this.add({ msn: o.msn, uri, duration: o.parts.reduce((t, p) => t + p.duration, 0), programDateTime: o.programDateTime, discontinuity: o.discontinuity, parts: o.parts });
  }

  /**
   * Whether a blocking reload (`_HLS_msn`, `_HLS_part`) can be answered: the playlist holds
   * segment `msn` complete, or (with `part`) that part of it, or anything later.
   */
  has(msn: number, part: number | null): boolean {
    const last = this.lastMsn;
    if (msn <= last) {
      if (part === null) return true;
      const seg = this.segments.find((s) => s.msn === msn);
      if (!seg?.parts || part < seg.parts.length) return true;
      return msn < last || (this.open?.parts.length ?? 0) > 0;
    }
    if (part === null) return false;
    return this.open !== null && msn === this.open.msn && part < this.open.parts.length;
  }

  end(): void {
    this.ended = true;
  }

  /** What a restarted replica needs to continue this playlist (the open segment is not kept). */
  snapshot(): PlaylistSnapshot {
    return { segments: this.segments.map((s) => ({ ...s, programDateTime: s.programDateTime.toISOString() })), discontinuitySequence: this.discontinuitySequence, ended: this.ended };
  }

  restore(snap: PlaylistSnapshot): void {
    this.segments.splice(0, this.segments.length, ...snap.segments.map((s) => ({ ...s, programDateTime: new Date(s.programDateTime) })));
    this.discontinuitySequence = snap.discontinuitySequence;
    this.ended = snap.ended;
    this.open = null;
  }

  render(): string {
    // the spec: each EXTINF rounded to the nearest integer is at most the target duration
    const target = Math.max(1, ...this.segments.map((s) => Math.round(s.duration)));
    const ll = this.lowLatency;
    const first = this.segments[0]?.msn ?? this.open?.msn ?? 0;
    const lines = ['#EXTM3U', `#EXT-X-VERSION:${ll ? 6 : 3}`, `#EXT-X-TARGETDURATION:${target}`];
    if (ll) {
      // PART-HOLD-BACK: three part targets, the spec's floor for a player's distance from the edge
      lines.push(`#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=${(ll.partTarget * 3).toFixed(3)}`, `#EXT-X-PART-INF:PART-TARGET=${ll.partTarget.toFixed(3)}`);
    }
    lines.push(`#EXT-X-MEDIA-SEQUENCE:${first}`, `#EXT-X-DISCONTINUITY-SEQUENCE:${this.discontinuitySequence}`);
    const part = (p: PartEntry) => `#EXT-X-PART:DURATION=${p.duration.toFixed(3)},${p.independent ? 'INDEPENDENT=YES,' : ''}URI="${p.uri}"`;
    this.segments.forEach((s, i) => {
      if (s.discontinuity && i > 0) lines.push('#EXT-X-DISCONTINUITY');
      lines.push(`#EXT-X-PROGRAM-DATE-TIME:${s.programDateTime.toISOString()}`);
      if (ll && s.parts && i >= this.segments.length - PART_SEGMENTS) lines.push(...s.parts.map(part));
      lines.push(`#EXTINF:${s.duration.toFixed(3)},`, s.uri);
    });
    if (ll && !this.ended) {
      if (this.open) {
        if (this.open.discontinuity && this.segments.length) lines.push('#EXT-X-DISCONTINUITY');
        lines.push(...this.open.parts.map(part));
      }
      lines.push(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${ll.nextPartUri()}"`);
    }
    if (this.ended) lines.push('#EXT-X-ENDLIST');
    return `${lines.join('\n')}\n`;
  }
}

/** The master playlist: every rung, highest first. */
export function renderMaster(rungs: Rung[], frameRate: number, videoCodec = 'avc1.4d401f'): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-INDEPENDENT-SEGMENTS'];
  for (const r of [...rungs].sort((a, b) => b.height - a.height)) {
    const bandwidth = Math.round((r.videoKbps * 1.2 + r.audioKbps) * 1000);
    lines.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${bandwidth},AVERAGE-BANDWIDTH=${(r.videoKbps + r.audioKbps) * 1000},RESOLUTION=${r.width}x${r.height},FRAME-RATE=${frameRate.toFixed(3)},CODECS="${videoCodec},mp4a.40.2"`,
      `${r.name}/index.m3u8`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export interface FfmpegSegment {
  /** ffmpeg's own segment number within its session */
  index: number;
  uri: string;
  duration: number;
  programDateTime: Date | null;
}

/** The segments ffmpeg's hls muxer lists (it lists a segment only once it is complete). */
export function parseMediaPlaylist(text: string): FfmpegSegment[] {
  const out: FfmpegSegment[] = [];
  let seq = 0;
  let duration: number | null = null;
  let pdt: Date | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) seq = Number(line.slice(22));
    else if (line.startsWith('#EXTINF:')) duration = Number.parseFloat(line.slice(8));
    else if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) pdt = new Date(line.slice(25));
    else if (line && !line.startsWith('#') && duration !== null) {
      out.push({ index: seq + out.length, uri: line, duration, programDateTime: pdt && !Number.isNaN(pdt.getTime()) ? pdt : null });
      duration = null;
      pdt = null;
    }
  }
  return out;
}
