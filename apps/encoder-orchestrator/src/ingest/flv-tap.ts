import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { FlvSource } from '../live/live-pipeline';

/** The parts of a node-media-server session this app touches. */
export interface NmsSession {
  id: string;
  ip: string;
  streamApp: string;
  streamName: string;
  streamPath: string;
  inBytes: number;
  videoWidth: number;
  videoHeight: number;
  videoFramerate: number;
  videoCodec: number | string;
  socket?: { once(event: 'close', fn: () => void): void; destroyed?: boolean };
  close(): void;
}

export interface NmsBroadcast {
  publisher: NmsSession | null;
  postPlay(session: object): string | null;
  donePlay(session: object): void;
}

/**
 * An internal subscriber of one publish (like node-media-server's own recorder: empty ip,
 * FLV protocol): the server hands it the FLV header, cached headers and GOP, then every tag.
 * It notes keyframe spacing on the way, for stream health.
 */
export class FlvTap implements FlvSource {
  stream = new PassThrough({ highWaterMark: 4 * 1024 * 1024 });
  private subscriber: object;
  private lastKeyframeMs: number | null = null;
  private keyframeInterval: number | null = null;
  private closed = false;

  constructor(
    private readonly publisher: NmsSession,
    private readonly broadcast: NmsBroadcast,
  ) {
    this.subscriber = this.newSubscriber();
  }

  private newSubscriber(): object {
    const stream = this.stream;
    return {
      id: `tap-${randomUUID()}`,
      ip: '',
      protocol: 'flv',
      streamPath: this.publisher.streamPath,
      endTime: 0,
      sendBuffer: (buf: Buffer) => this.onTag(buf, stream),
      close: () => this.close(),
    };
  }

  /**
   * A new subscription on the same publish for a restarted transcoder: node-media-server sends
   * a new subscriber the FLV header, metadata, codec headers and its GOP cache (from the last
   * keyframe), so the new ffmpeg starts on a clean FLV stream.
   */
  restart(): void {
    if (this.closed) return;
    this.broadcast.donePlay(this.subscriber);
    this.stream.end();
    this.stream = new PassThrough({ highWaterMark: 4 * 1024 * 1024 });
    this.subscriber = this.newSubscriber();
    this.attach();
  }

  get width(): number {
    return Number(this.publisher.videoWidth) || 0;
  }

  get height(): number {
    return Number(this.publisher.videoHeight) || 0;
  }

  get fps(): number {
    return Number(this.publisher.videoFramerate) || 0;
  }

  attach(): void {
    const err = this.broadcast.postPlay(this.subscriber);
    if (err) throw new Error(err);
  }

  stats() {
    return { inBytes: this.publisher.inBytes, keyframeIntervalSeconds: this.keyframeInterval };
  }

  connected(): boolean {
    return !this.closed && this.broadcast.publisher === this.publisher && !this.publisher.socket?.destroyed;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.broadcast.donePlay(this.subscriber);
    this.stream.end();
  }

  private onTag(buf: Buffer, stream: PassThrough): void {
    if (this.closed || stream !== this.stream) return;
    // FLV video tag (type 9) whose first data byte says keyframe (frame type 1)
    if (buf.length > 12 && (buf[0] & 0x1f) === 9 && buf[11] >> 4 === 1 && buf[12] === 1) {
      const ts = ((buf[7] << 24) | (buf[4] << 16) | (buf[5] << 8) | buf[6]) >>> 0;
      if (this.lastKeyframeMs !== null && ts > this.lastKeyframeMs) this.keyframeInterval = (ts - this.lastKeyframeMs) / 1000;
      this.lastKeyframeMs = ts;
    }
    this.stream.write(buf);
  }
}
