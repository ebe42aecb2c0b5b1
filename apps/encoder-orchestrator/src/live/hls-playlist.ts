/**
 * Our own HLS playlists over ffmpeg's segments: ffmpeg's per-session playlists are private
 * (work dir); viewers get these, which continue across encoder reconnects and ffmpeg restarts
 * (EXT-X-DISCONTINUITY), carry EXT-X-PROGRAM-DATE-TIME on every segment and list only
 * segments already written in full (a segment is renamed into place before it is listed).
 */

export interface SegmentEntry {
  /** media sequence number, continuous for the whole show */
  msn: number;
  uri: string;
  duration: number;
  programDateTime: Date;
  /** first segment after a reconnect or an ffmpeg restart */
  discontinuity: boolean;
}

export interface Rung {
  name: string;
  width: number;
  height: number;
  videoKbps: number;
  audioKbps: number;
}

/** One rung's live playlist: a sliding window of the last `windowSize` segments. */
export class LivePlaylist {
  private readonly segments: SegmentEntry[] = [];
  private discontinuitySequence = 0;
  private ended = false;

  constructor(private readonly windowSize = 6) {}

  get nextMsn(): number {
    return this.segments.length ? this.segments[this.segments.length - 1].msn + 1 : 0;
  }

  get length(): number {
    return this.segments.length;
  }

  get isEnded(): boolean {
    return this.ended;
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

  end(): void {
    this.ended = true;
  }

  render(): string {
    // the spec: each EXTINF rounded to the nearest integer is at most the target duration
    const target = Math.max(1, ...this.segments.map((s) => Math.round(s.duration)));
    const lines = [
      '#EXTM3U',
      '#EXT-X-VERSION:3',
      `#EXT-X-TARGETDURATION:${target}`,
      `#EXT-X-MEDIA-SEQUENCE:${this.segments[0]?.msn ?? 0}`,
      `#EXT-X-DISCONTINUITY-SEQUENCE:${this.discontinuitySequence}`,
    ];
    this.segments.forEach((s, i) => {
      if (s.discontinuity && i > 0) lines.push('#EXT-X-DISCONTINUITY');
      lines.push(`#EXT-X-PROGRAM-DATE-TIME:${s.programDateTime.toISOString()}`, `#EXTINF:${s.duration.toFixed(3)},`, s.uri);
    });
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
