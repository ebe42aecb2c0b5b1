import { Logger } from '@nestjs/common';
import { IngestRefusal, OverlayChangedV1, StreamHealth } from '@live/contracts';
import { ChildProcess, spawn } from 'node:child_process';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { RecordingWriter } from '../recording/recording.writer';
import { OVERLAY_ID3_DESCRIPTION, id3Tag } from '../timed-metadata/id3';
import { audioIn, stampId3 } from '../timed-metadata/id3-stamp';
import { LivePlaylist, Rung, parseMediaPlaylist, renderMaster } from './hls-playlist';
import { ffmpegArgs, ladderFor } from './ladder';

export interface PipelineSettings {
  storageDir: string;
  ffmpeg: string;
  ladderHeights: number[];
  fps: number;
  preset: string;
  segmentSeconds: number;
  windowSegments: number;
  maxInputWidth: number;
  maxInputHeight: number;
  stallMs: number;
}

export interface PipelineHooks {
  /** the input is unusable (codec, size, no video): the ingest drops the publisher */
  refuse(broadcastId: string, reason: IngestRefusal, detail: string): void;
  health(broadcastId: string, session: number, health: StreamHealth): void;
  stalled(broadcastId: string): void;
  ffmpegRestart(broadcastId: string): void;
}

/** Where a session's FLV comes from: the ingest server's tap on the publisher. */
export interface FlvSource {
  /** FLV bytes (header first); ends when the publisher goes */
  stream: Readable;
  /** source size and frame rate if the publisher's metadata said */
  width: number;
  height: number;
  fps: number;
  /** input bytes so far (bitrate), keyframe interval seen (s) */
  stats(): { inBytes: number; keyframeIntervalSeconds: number | null };
  connected(): boolean;
}

interface PendingTag {
  at: number;
  tag: Buffer;
}

interface Session {
  n: number;
  ffmpeg: ChildProcess;
  workDir: string;
  /** per rung: the public media sequence number of this session's first segment */
  baseMsn: Map<string, number>;
  next: Map<string, number>;
  /** per rung: segments of this session listed so far, and whether audio has started */
  published: Map<string, number>;
  audioStarted: Set<string>;
  exited: Promise<void>;
  stopping: boolean;
  firstPdtSet: boolean;
  progress: Record<string, string>;
  lastFrame: number;
  lastFrameAt: number;
  stalled: boolean;
  inputChecked: boolean;
  source: FlvSource;
  /** wall-clock ms of the session's first frame, and each rung's seconds since */
  pdtAnchor: number | null;
  elapsed: Map<string, number>;
}

/**
 * One show's live video on this replica: ingest sessions (one ffmpeg each) feeding a public
 * HLS ladder whose playlists continue across sessions, ID3 overlay tags stamped into the
 * segments, and the recording for replay.
 */
export class LivePipeline {
  private readonly logger = new Logger('LivePipeline');
  readonly liveDir: string;
  rungs: Rung[] | null = null;
  private readonly playlists = new Map<string, LivePlaylist>();
  private readonly pending = new Map<string, PendingTag[]>();
  private readonly seenEvents = new Set<string>();
  private session: Session | null = null;
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;
  private ended = false;
  private lastHealthAt = 0;
  private lastInBytes = 0;

  constructor(
    readonly broadcastId: string,
    private readonly recording: RecordingWriter,
    private readonly settings: PipelineSettings,
    private readonly hooks: PipelineHooks,
  ) {
    this.liveDir = path.join(settings.storageDir, 'live', broadcastId);
  }

  get active(): boolean {
    return this.session !== null && !this.session.stopping;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  get sessionNumber(): number | null {
    return this.session?.n ?? null;
  }

  /** Starts transcoding a (re)connected publisher; continues the playlists after a discontinuity. */
  async start(source: FlvSource): Promise<number> {
    if (this.ended) throw new Error(`show ${this.broadcastId} ended`);
    if (this.session) await this.stop();
    if (!this.rungs) {
      // the ladder is fixed by the first session: the master playlist never changes under a player
      this.rungs = ladderFor({ width: source.width || 1280, height: source.height || 720 }, this.settings.ladderHeights);
      for (const r of this.rungs) {
        this.playlists.set(r.name, new LivePlaylist(this.settings.windowSegments));
        this.pending.set(r.name, []);
        await mkdir(path.join(this.liveDir, r.name), { recursive: true });
      }
      await this.writeAtomic(path.join(this.liveDir, 'master.m3u8'), // ultrafast encodes without CABAC: x264 makes it Constrained Baseline, and CODECS must say so
      renderMaster(this.rungs, this.settings.fps, this.settings.preset === 'ultrafast' ? 'avc1.42e01f' : 'avc1.4d401f'));
    }
    const part = await this.recording.startPart(new Date());
    const workDir = path.join(this.settings.storageDir, 'work', this.broadcastId, `s${part.index}`);
    await rm(workDir, { recursive: true, force: true });
    for (const r of this.rungs) await mkdir(path.join(workDir, r.name), { recursive: true });
    // each rung continues its own sequence without a gap (a player infers numbers from the
    // position in the playlist); rungs that ended their last session evenly stay aligned
    const baseMsn = new Map([...this.playlists].map(([name, p]) => [name, p.nextMsn]));
    if (new Set(baseMsn.values()).size > 1) this.logger.warn(`show ${this.broadcastId}: rungs resume at different segment numbers ${JSON.stringify([...baseMsn])}`);
    const args = ffmpegArgs({
      rungs: this.rungs,
      workDir,
      recordingFile: part.file,
      fps: this.settings.fps,
      gopSeconds: 1,
      segmentSeconds: this.settings.segmentSeconds,
      preset: this.settings.preset,
    });
    const ffmpeg = spawn(this.settings.ffmpeg, args, { stdio: ['pipe', 'ignore', 'pipe', 'pipe'] });
    const session: Session = {
      n: part.index,
      ffmpeg,
      workDir,
      baseMsn,
      next: new Map(this.rungs.map((r) => [r.name, 0])),
      published: new Map(this.rungs.map((r) => [r.name, 0])),
      audioStarted: new Set(),
      exited: new Promise((resolve) => ffmpeg.once('close', () => resolve())),
      stopping: false,
      firstPdtSet: false,
      progress: {},
      lastFrame: -1,
      lastFrameAt: Date.now(),
      stalled: false,
      inputChecked: false,
      source,
      pdtAnchor: null,
      elapsed: new Map(this.rungs.map((r) => [r.name, 0])),
    };
    this.session = session;
    ffmpeg.stdin!.on('error', () => undefined); // ffmpeg gone: its exit handler decides
    source.stream.pipe(ffmpeg.stdin!);
    source.stream.once('end', () => ffmpeg.stdin!.end());
    this.watchStderr(session);
    this.watchProgress(session);
    ffmpeg.once('error', (err) => this.logger.error(`ffmpeg for show ${this.broadcastId} failed to start: ${err.message}`));
    void session.exited.then(() => this.onExit(session));
    this.timer ??= setInterval(() => void this.tick(), 100);
    this.logger.log(`show ${this.broadcastId}: session ${part.index} started (${this.rungs.map((r) => r.name).join('/')}, media sequence ${Math.max(...baseMsn.values())})`);
    return part.index;
  }

  /** Ends the current session: ffmpeg finishes its last segment, the packager lists it. */
  async stop(): Promise<void> {
    const s = this.session;
    if (!s) return;
    s.stopping = true;
    s.source.stream.unpipe(s.ffmpeg.stdin!);
    s.ffmpeg.stdin!.end();
    const killer = setTimeout(() => s.ffmpeg.kill('SIGKILL'), 5_000);
    await s.exited;
    clearTimeout(killer);
  }

  /** Show over: last session closed, ENDLIST on every playlist, recording complete. */
  async end(): Promise<void> {
    if (this.ended) return;
    await this.stop();
    this.ended = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const [name, pl] of this.playlists) {
      pl.end();
      await this.writeAtomic(path.join(this.liveDir, name, 'index.m3u8'), pl.render());
    }
    await this.recording.complete(new Date());
    this.logger.log(`show ${this.broadcastId} ended: playlists closed, recording complete (${this.recording.parts} parts)`);
  }

  /** An overlay change: logged for replay, and queued for the next segment of every rung. */
  async overlay(event: OverlayChangedV1): Promise<void> {
    if (this.seenEvents.has(event.eventId) || this.ended) return;
    this.seenEvents.add(event.eventId);
    const payload = { v: 1, broadcastId: event.broadcastId, action: event.action, key: event.key, overlay: event.overlay };
    const at = Date.parse(event.occurredAt);
    const tag = id3Tag(OVERLAY_ID3_DESCRIPTION, JSON.stringify(payload));
    for (const q of this.pending.values()) q.push({ at, tag });
    const kind = event.overlay?.kind ?? (event.key === 'pin' ? 'product' : event.key.split(':')[0]);
    await this.recording.appendMetadata({
      at: new Date(at).toISOString(),
      overlayId: event.overlay?.id ?? (event.key.split(':').slice(1).join(':') || event.key),
      action: event.action,
      kind,
      payload,
    });
  }

  private async onExit(s: Session): Promise<void> {
    await this.tick(s, true);
    await this.recording.endPart(s.n, new Date()).catch(() => undefined);
    await rm(s.workDir, { recursive: true, force: true }).catch(() => undefined);
    const code = s.ffmpeg.exitCode;
    if (this.session === s) this.session = null;
    if (!s.stopping && !this.ended && s.source.connected()) {
      // ffmpeg died under a live publisher: a new session continues the playlists after a gap
      this.logger.error(`show ${this.broadcastId}: ffmpeg exited (code ${code}) while the encoder is still connected: restarting, gap marked with a discontinuity`);
      this.hooks.ffmpegRestart(this.broadcastId);
      await this.start(s.source).catch((err: Error) => this.logger.error(`show ${this.broadcastId}: restart failed: ${err.message}`));
    }
  }

  private watchStderr(s: Session): void {
    let buffer = '';
    s.ffmpeg.stderr!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) this.onStderr(s, line);
    });
  }

  private onStderr(s: Session, line: string): void {
    if (!s.inputChecked) {
      const video = /Stream #0:\d+.*: Video: (\w+).*?, (\d{2,5})x(\d{2,5})/.exec(line);
      if (video) {
        s.inputChecked = true;
        const [, codec, w, h] = video;
        if (codec !== 'h264') this.refuse(s, 'unsupported_codec', `video codec ${codec} (H.264 only)`);
        else if (Number(w) > this.settings.maxInputWidth || Number(h) > this.settings.maxInputHeight) {
          this.refuse(s, 'too_large', `input ${w}x${h} is over ${this.settings.maxInputWidth}x${this.settings.maxInputHeight}`);
        }
        return;
      }
      if (/^Stream mapping:|^Output #0/.test(line.trim())) {
        s.inputChecked = true;
        this.refuse(s, 'no_video', 'the input has no video stream');
        return;
      }
    }
    if (/error|invalid|failed/i.test(line) && !/^\s*(Stream|Input|Output|Metadata)/.test(line)) {
      this.logger.warn(`show ${this.broadcastId} ffmpeg: ${line.trim().slice(0, 300)}`);
    }
  }

  private refuse(s: Session, reason: IngestRefusal, detail: string): void {
    s.stopping = true;
    s.ffmpeg.kill('SIGKILL');
    this.hooks.refuse(this.broadcastId, reason, detail);
  }

  private watchProgress(s: Session): void {
    const fd3 = s.ffmpeg.stdio[3] as Readable | null;
    let buffer = '';
    fd3?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        const eq = line.indexOf('=');
        if (eq > 0) s.progress[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
        if (line.startsWith('progress=')) this.onProgress(s);
      }
    });
  }

  private onProgress(s: Session): void {
    const frame = Number(s.progress.frame ?? 0);
    const now = Date.now();
    if (frame > s.lastFrame) {
      s.lastFrame = frame;
      s.lastFrameAt = now;
      s.stalled = false;
    } else if (!s.stalled && now - s.lastFrameAt > this.settings.stallMs && s.source.connected()) {
      s.stalled = true;
      this.logger.warn(`show ${this.broadcastId}: input stalled (no frame for ${now - s.lastFrameAt} ms); viewers keep the complete segments so far`);
      this.hooks.stalled(this.broadcastId);
    }
    if (now - this.lastHealthAt < 5_000) return;
    const stats = s.source.stats();
    const seconds = this.lastHealthAt ? (now - this.lastHealthAt) / 1000 : 0;
    const bitrate = seconds > 0 ? ((stats.inBytes - this.lastInBytes) * 8) / 1000 / seconds : 0;
    this.lastHealthAt = now;
    this.lastInBytes = stats.inBytes;
    this.hooks.health(this.broadcastId, s.n, {
      inputBitrateKbps: Math.max(0, Math.round(bitrate)),
      fps: Math.max(0, Number.parseFloat(s.progress.fps ?? '0') || 0),
      keyframeIntervalSeconds: stats.keyframeIntervalSeconds,
      droppedFrames: Math.max(0, Number.parseInt(s.progress.drop_frames ?? '0', 10) || 0),
      speed: Math.max(0, Number.parseFloat((s.progress.speed ?? '0').replace('x', '')) || 0),
      width: s.source.width,
      height: s.source.height,
    });
  }

  /** Moves every segment ffmpeg finished into the public ladder (stamped), then rewrites the playlists. */
  private async tick(only?: Session, final = false): Promise<void> {
    const s = only ?? this.session;
    if (!s || !this.rungs) return;
    if (this.ticking && !final) return;
    this.ticking = true;
    try {
      for (const r of this.rungs) {
        let text: string;
        try {
          text = await readFile(path.join(s.workDir, r.name, 'index.m3u8'), 'utf8');
        } catch {
          continue;
        }
        const pl = this.playlists.get(r.name)!;
        let changed = false;
        for (const seg of parseMediaPlaylist(text)) {
          if (seg.index < s.next.get(r.name)!) continue;
          s.next.set(r.name, seg.index + 1);
          let bytes: Buffer;
          try {
            bytes = await readFile(path.join(s.workDir, r.name, seg.uri));
          } catch {
            continue; // already rotated out by ffmpeg: skip rather than list a missing file
          }
          // EXT-X-PROGRAM-DATE-TIME: ffmpeg's clock starts at its output header, ahead of the
          // frames; ours is anchored on when the first segment was complete (its end = now)
          s.pdtAnchor ??= Date.now() - seg.duration * 1000;
          const pdt = new Date(s.pdtAnchor + s.elapsed.get(r.name)! * 1000);
          s.elapsed.set(r.name, s.elapsed.get(r.name)! + seg.duration);
          if (!s.audioStarted.has(r.name)) {
            const audio = audioIn(bytes);
            // a leading video-only segment of a session with audio would break MSE players
            if (audio.declared && !audio.present) continue;
            s.audioStarted.add(r.name);
          }
          const end = pdt.getTime() + seg.duration * 1000;
          const queue = this.pending.get(r.name)!;
          const due = queue.filter((t) => t.at < end);
          this.pending.set(r.name, queue.filter((t) => t.at >= end));
          const stamped = stampId3(bytes, due.map((t) => ({ tag: t.tag, offsetSeconds: Math.min(seg.duration, Math.max(0, (t.at - pdt.getTime()) / 1000)) })));
          const nth = s.published.get(r.name)!;
          s.published.set(r.name, nth + 1);
          const msn = s.baseMsn.get(r.name)! + nth;
          await this.writeAtomic(path.join(this.liveDir, r.name, `${msn}.ts`), stamped);
          const dropped = pl.add({ msn, uri: `${msn}.ts`, duration: seg.duration, programDateTime: pdt, discontinuity: nth === 0 && msn > 0 });
          for (const d of dropped) void rm(path.join(this.liveDir, r.name, `${d.msn - this.settings.windowSegments * 3}.ts`), { force: true });
          changed = true;
          if (!s.firstPdtSet) {
            s.firstPdtSet = true;
            void this.recording.setPartStart(s.n, pdt).catch(() => undefined);
          }
        }
        if (changed) await this.writeAtomic(path.join(this.liveDir, r.name, 'index.m3u8'), pl.render());
      }
    } catch (err) {
      this.logger.error(`show ${this.broadcastId}: packaging failed: ${(err as Error).message}`);
    } finally {
      this.ticking = false;
    }
  }

  private async writeAtomic(file: string, data: string | Buffer): Promise<void> {
    await writeFile(`${file}.tmp`, data);
    await rename(`${file}.tmp`, file);
  }
}
