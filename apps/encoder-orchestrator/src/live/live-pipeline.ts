import { Logger } from '@nestjs/common';
import { IngestRefusal, OverlayChangedV1, StreamHealth } from '@live/contracts';
import type { ChildProcess } from 'node:child_process';
import { spawnTied } from '../spawn-tied';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import { RecordingWriter } from '../recording/recording.writer';
import { OVERLAY_ID3_DESCRIPTION, id3Tag } from '../timed-metadata/id3';
import { audioIn, stampId3, startsWithKeyframe } from '../timed-metadata/id3-stamp';
import { LivePlaylist, PlaylistSnapshot, Rung, SegmentEntry, parseMediaPlaylist, renderMaster } from './hls-playlist';
import { ffmpegArgs, ladderFor } from './ladder';

export interface PipelineSettings {
  storageDir: string;
  ffmpeg: string;
  ladderHeights: number[];
  fps: number;
  preset: string;
  segmentSeconds: number;
  /** LL-HLS parts per segment (1: whole segments only, no parts) */
  partsPerSegment: number;
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
  /**
   * A fresh FLV stream of the same publisher (header, codec headers, then from the last
   * keyframe on), for a transcoder restarted mid-show; `stream` is replaced by it.
   */
  restart(): void;
  /** source size and frame rate if the publisher's metadata said */
  width: number;
  height: number;
  fps: number;
  /** input bytes so far (bitrate), keyframe interval seen (s) */
  stats(): { inBytes: number; keyframeIntervalSeconds: number | null };
  connected(): boolean;
}

/** live/<id>/state.json: what a restarted replica needs to continue the show's playlists. */
interface PipelineState {
  v: 1;
  rungs: Rung[];
  ended: boolean;
  playlists: Record<string, PlaylistSnapshot>;
  partSeq: Record<string, number>;
}

/** part numbers a restored pipeline skips: parts written after the last saved state are never reused */
const PART_SEQ_SKIP = 100;

interface PendingTag {
  at: number;
  tag: Buffer;
}

interface Session {
  n: number;
  ffmpeg: ChildProcess;
  /** the FLV stream this session's ffmpeg reads */
  stream: Readable;
  workDir: string;
  /** per rung: the public media sequence number of this session's first segment */
  baseMsn: Map<string, number>;
  next: Map<string, number>;
  /** per rung: segments of this session listed so far, and whether audio has started */
  published: Map<string, number>;
  audioStarted: Set<string>;
  exited: Promise<void>;
  /** ffmpeg gone and its last segments listed: what a next session must wait for */
  finished: Promise<void>;
  markFinished: () => void;
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
  private masterWritten = false;
  /** a segment was completed since state.json was last written */
  private stateDirty = false;
  /** per rung: the next part's number (continuous for the show), the open segment's bytes, files to delete */
  private readonly partSeq = new Map<string, number>();
  private readonly openBytes = new Map<string, Buffer[]>();
  private readonly graveyard = new Map<string, SegmentEntry[]>();
  /** 'playlist' (rung) after a rung's playlist file is rewritten */
  private readonly updates = new EventEmitter().setMaxListeners(0);
  /** ffmpeg deaths in a row without a segment in between (restart backoff) */
  private crashes = 0;

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

  get partsPerSegment(): number {
    return Math.max(1, this.settings.partsPerSegment);
  }

  get sessionNumber(): number | null {
    return this.session?.n ?? null;
  }

  /** Starts transcoding a (re)connected publisher; continues the playlists after a discontinuity. */
  async start(source: FlvSource): Promise<number> {
    if (this.ended) throw new Error(`show ${this.broadcastId} ended`);
    if (this.session) await this.stop();
    if (!this.rungs && (await this.restore())) {
      if (this.ended) throw new Error(`show ${this.broadcastId} ended`);
    } else if (!this.rungs) {
      // the ladder is fixed by the first session: the master playlist never changes under a player
      this.rungs = ladderFor({ width: source.width || 1280, height: source.height || 720 }, this.settings.ladderHeights);
      for (const r of this.rungs) {
        this.playlists.set(r.name, this.newPlaylist(r.name));
        this.partSeq.set(r.name, 0);
        this.openBytes.set(r.name, []);
        this.graveyard.set(r.name, []);
        this.pending.set(r.name, []);
        await mkdir(path.join(this.liveDir, r.name), { recursive: true });
      }
      // the master is written once every rung has a segment listed (tick): a refused or
      // failing first input never leaves a master naming playlists that do not exist
    }
    if (!this.rungs) throw new Error(`show ${this.broadcastId}: no ladder`);
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
      partsPerSegment: this.partsPerSegment,
      preset: this.settings.preset,
    });
    const ffmpeg = spawnTied(this.settings.ffmpeg, args, { stdio: ['pipe', 'ignore', 'pipe', 'pipe'] });
    let markFinished!: () => void;
    const finished = new Promise<void>((resolve) => (markFinished = resolve));
    const session: Session = {
      n: part.index,
      ffmpeg,
      stream: source.stream,
      workDir,
      baseMsn,
      next: new Map(this.rungs.map((r) => [r.name, 0])),
      published: new Map(this.rungs.map((r) => [r.name, 0])),
      audioStarted: new Set(),
      exited: new Promise((resolve) => ffmpeg.once('close', () => resolve())),
      finished,
      markFinished,
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
    session.stream.pipe(ffmpeg.stdin!);
    session.stream.once('end', () => ffmpeg.stdin!.end());
    this.watchStderr(session);
    this.watchProgress(session);
    ffmpeg.once('error', (err) => this.logger.error(`ffmpeg for show ${this.broadcastId} failed to start: ${err.message}`));
    void session.exited.then(() => this.onExit(session));
    this.timer ??= setInterval(() => void this.tick(), 100);
    this.logger.log(`show ${this.broadcastId}: session ${part.index} started (${this.rungs.map((r) => r.name).join('/')}, media sequence ${Math.max(...baseMsn.values())})`);
    return part.index;
  }

  private newPlaylist(rung: string): LivePlaylist {
    const parts = this.partsPerSegment;
    // PART-TARGET: the chunk length to the next millisecond up, plus one for ffmpeg's rounding
    const partTarget = (Math.ceil((this.settings.segmentSeconds / parts) * 1000) + 1) / 1000;
    return new LivePlaylist(this.settings.windowSegments, parts > 1 ? { partTarget, nextPartUri: () => `p${this.partSeq.get(rung)}.ts` } : null);
  }

  private get stateFile(): string {
    return path.join(this.liveDir, 'state.json');
  }

  /**
   * A show this replica (or one before it, sharing the storage) already served: its ladder and
   * playlists continue where the saved state left them, so a restarted replica's next session
   * is a discontinuity in the same media sequence, not a new stream from 0.
   */
  private async restore(): Promise<boolean> {
    let state: PipelineState;
    try {
      state = JSON.parse(await readFile(this.stateFile, 'utf8')) as PipelineState;
    } catch {
      return false;
    }
    if (state.v !== 1 || !state.rungs?.length) return false;
    this.rungs = state.rungs;
    for (const r of this.rungs) {
      const pl = this.newPlaylist(r.name);
      if (state.playlists[r.name]) pl.restore(state.playlists[r.name]);
      this.playlists.set(r.name, pl);
      this.partSeq.set(r.name, (state.partSeq[r.name] ?? 0) + PART_SEQ_SKIP);
      this.openBytes.set(r.name, []);
      this.graveyard.set(r.name, []);
      this.pending.set(r.name, []);
    }
    this.masterWritten = true;
    this.ended = state.ended;
    this.logger.log(`show ${this.broadcastId}: playlists restored from ${this.stateFile} (next media sequence ${Math.max(...[...this.playlists.values()].map((p) => p.nextMsn))})`);
    return true;
  }

  private async saveState(): Promise<void> {
    if (!this.rungs || !this.masterWritten) return;
    const state: PipelineState = {
      v: 1,
      rungs: this.rungs,
      ended: this.ended,
      playlists: Object.fromEntries([...this.playlists].map(([name, pl]) => [name, pl.snapshot()])),
      partSeq: Object.fromEntries(this.partSeq),
    };
    await this.writeAtomic(this.stateFile, JSON.stringify(state));
  }

  /** Ends the current session: ffmpeg finishes its last segment, the packager lists it. */
  async stop(): Promise<void> {
    const s = this.session;
    if (!s) return;
    s.stopping = true;
    s.stream.unpipe(s.ffmpeg.stdin!);
    s.ffmpeg.stdin!.end();
    const killer = setTimeout(() => s.ffmpeg.kill('SIGKILL'), 5_000);
    await s.exited;
    clearTimeout(killer);
    // and its last segments listed: a next session numbers its segments after them (it once
    // started while the final tick was in flight, and both listed the same media sequence)
    await s.finished;
  }

  /** Show over: last session closed, ENDLIST on every playlist, recording complete. */
  async end(): Promise<void> {
    if (this.ended) return;
    await this.stop();
    this.ended = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    // recording and state first: a playlist with ENDLIST means the show is fully kept
    for (const [name, pl] of this.playlists) {
      if (pl.open?.parts.length) await this.closeSegment(name, pl);
      pl.end();
    }
    await this.saveState();
    await this.recording.complete(new Date());
    for (const [name, pl] of this.playlists) await this.writeAtomic(path.join(this.liveDir, name, 'index.m3u8'), pl.render());
    for (const r of this.rungs ?? []) this.updates.emit('playlist', r.name);
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
    try {
      await this.tick(s, true);
      await this.recording.endPart(s.n, new Date()).catch(() => undefined);
      await rm(s.workDir, { recursive: true, force: true }).catch(() => undefined);
    } finally {
      s.markFinished();
    }
    const code = s.ffmpeg.exitCode;
    if (this.session === s) this.session = null;
    if (!s.stopping && !this.ended && s.source.connected()) {
      // ffmpeg died under a live publisher: a new session on a fresh FLV stream of the same
      // publisher (from its last keyframe) continues the playlists after a discontinuity.
      // Deaths in a row without a segment in between back off (0, 1, 2, 4, 8 s).
      const delay = this.crashes === 0 ? 0 : Math.min(8_000, 1_000 * 2 ** (this.crashes - 1));
      this.crashes += 1;
      const signal = s.ffmpeg.signalCode;
      this.logger.error(`show ${this.broadcastId}: ffmpeg exited (${signal ? `signal ${signal}` : `code ${code}`}) while the encoder is still connected: restarting in ${delay} ms, gap marked with EXT-X-DISCONTINUITY`);
      this.hooks.ffmpegRestart(this.broadcastId);
      if (delay) await new Promise((r) => setTimeout(r, delay));
      if (this.ended || this.session || !s.source.connected()) return;
      s.source.restart();
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
      if (/^Stream mapping:|^Output #0/.test(line.trim()) || /matches no streams/.test(line)) {
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
    // nothing served yet: the next input picks the ladder afresh (a refused 4K input must not
    // fix the rungs of the show)
    if (!this.masterWritten) {
      this.rungs = null;
      this.playlists.clear();
      this.pending.clear();
    }
    this.hooks.refuse(this.broadcastId, reason, detail);
  }

  /** No frame from a connected input for stallMs: a blocked ffmpeg writes no progress, so a timer looks. */
  private checkStall(s: Session): void {
    const now = Date.now();
    // from the first frame on: before it, ffmpeg is still probing the input
    if (s.stalled || s.stopping || s.lastFrame <= 0 || now - s.lastFrameAt <= this.settings.stallMs || !s.source.connected()) return;
    s.stalled = true;
    this.logger.warn(`show ${this.broadcastId}: input stalled (no frame for ${now - s.lastFrameAt} ms); viewers keep the complete segments so far`);
    this.hooks.stalled(this.broadcastId);
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
      if (s.stalled) this.logger.log(`show ${this.broadcastId}: input resumed after a stall`);
      s.lastFrame = frame;
      s.lastFrameAt = now;
      s.stalled = false;
    } else this.checkStall(s);
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

  /**
   * Moves every chunk ffmpeg finished into the public ladder (stamped): each chunk is a part
   * (LL-HLS), listed at once; a segment is the parts between two keyframes, listed when its
   * last part lands. Then the playlists are rewritten and blocked reloads answered.
   */
  private async tick(only?: Session, final = false): Promise<void> {
    const s = only ?? this.session;
    if (!s || !this.rungs) return;
    if (this.ticking && !final) return;
    this.ticking = true;
    this.checkStall(s);
    const parts = this.partsPerSegment;
    try {
      for (const r of this.rungs) {
        const pl = this.playlists.get(r.name);
        if (!pl) continue;
        let text: string | null = null;
        try {
          text = await readFile(path.join(s.workDir, r.name, 'index.m3u8'), 'utf8');
        } catch {
          // nothing from ffmpeg yet
        }
        let changed = false;
        for (const chunk of text ? parseMediaPlaylist(text) : []) {
          if (chunk.index < s.next.get(r.name)!) continue;
          s.next.set(r.name, chunk.index + 1);
          let bytes: Buffer;
          try {
            bytes = await readFile(path.join(s.workDir, r.name, chunk.uri));
          } catch {
            continue; // already rotated out by ffmpeg: skip rather than list a missing file
          }
          const independent = startsWithKeyframe(bytes);
          if (!s.audioStarted.has(r.name)) {
            const audio = audioIn(bytes);
            // a leading video-only chunk of a session with audio would break MSE players; a
            // session's media starts on a keyframe
            if ((audio.declared && !audio.present) || !independent) continue;
            s.audioStarted.add(r.name);
          }
          // EXT-X-PROGRAM-DATE-TIME: ffmpeg's clock starts at its output header, ahead of the
          // frames; ours is anchored on when the first chunk was complete (its end = now)
          s.pdtAnchor ??= Date.now() - chunk.duration * 1000;
          const pdt = new Date(s.pdtAnchor + s.elapsed.get(r.name)! * 1000);
          s.elapsed.set(r.name, s.elapsed.get(r.name)! + chunk.duration);
          // a keyframe opens a new segment
          if (independent && pl.open?.parts.length) {
            await this.closeSegment(r.name, pl);
            changed = true;
          }
          const end = pdt.getTime() + chunk.duration * 1000;
          const queue = this.pending.get(r.name)!;
          const due = queue.filter((t) => t.at < end);
          this.pending.set(r.name, queue.filter((t) => t.at >= end));
          const stamped = stampId3(bytes, due.map((t) => ({ tag: t.tag, offsetSeconds: Math.min(chunk.duration, Math.max(0, (t.at - pdt.getTime()) / 1000)) })));
          let opening: { msn: number; programDateTime: Date; discontinuity: boolean } | undefined;
          if (!pl.open) {
            const nth = s.published.get(r.name)!;
            s.published.set(r.name, nth + 1);
            const msn = s.baseMsn.get(r.name)! + nth;
            opening = { msn, programDateTime: pdt, discontinuity: nth === 0 && msn > 0 };
            if (!independent) this.logger.warn(`show ${this.broadcastId} ${r.name}: segment ${msn} opens without a keyframe (chunk and keyframe grids apart)`);
            if (!s.firstPdtSet) {
              s.firstPdtSet = true;
              void this.recording.setPartStart(s.n, pdt).catch(() => undefined);
            }
          }
          const seq = this.partSeq.get(r.name)!;
          const uri = `p${seq}.ts`;
          if (parts > 1) await this.writeAtomic(path.join(this.liveDir, r.name, uri), stamped);
          this.partSeq.set(r.name, seq + 1);
          this.openBytes.set(r.name, [...(this.openBytes.get(r.name) ?? []), stamped]);
          pl.addPart({ uri, duration: chunk.duration, independent }, opening);
          if (pl.open!.parts.length >= parts) await this.closeSegment(r.name, pl);
          changed = true;
        }
        // session over: its last segment is complete
        if (final && pl.open?.parts.length) {
          await this.closeSegment(r.name, pl);
          changed = true;
        }
        if (changed) {
          this.crashes = 0;
          await this.writeAtomic(path.join(this.liveDir, r.name, 'index.m3u8'), pl.render());
          this.updates.emit('playlist', r.name);
        }
      }
      if (!this.masterWritten && this.playlists.size && [...this.playlists.values()].every((p) => p.hasMedia)) {
        this.masterWritten = true;
        // ultrafast encodes without CABAC: x264 makes it Constrained Baseline, and CODECS must say so
        const codec = this.settings.preset === 'ultrafast' ? 'avc1.42e01f' : 'avc1.4d401f';
        await this.writeAtomic(path.join(this.liveDir, 'master.m3u8'), renderMaster(this.rungs, this.settings.fps, codec));
      }
      if (this.stateDirty) {
        this.stateDirty = false;
        await this.saveState();
      }
    } catch (err) {
      this.logger.error(`show ${this.broadcastId}: packaging failed: ${(err as Error).message}`);
    } finally {
      this.ticking = false;
    }
  }

  /** The open segment's parts, back to back, become its segment file; old files go a while after they slid out. */
  private async closeSegment(rung: string, pl: LivePlaylist): Promise<void> {
    const msn = pl.open!.msn;
    await this.writeAtomic(path.join(this.liveDir, rung, `${msn}.ts`), Buffer.concat(this.openBytes.get(rung) ?? []));
    this.openBytes.set(rung, []);
    const graveyard = this.graveyard.get(rung)!;
    graveyard.push(...pl.closeOpen(`${msn}.ts`));
    this.stateDirty = true;
    // a player or CDN still fetching just behind the window finds the files
    while (graveyard.length > this.settings.windowSegments * 2) {
      const old = graveyard.shift()!;
      for (const f of [old.uri, ...(old.parts ?? []).map((p) => p.uri)]) void rm(path.join(this.liveDir, rung, f), { force: true });
    }
  }

  /**
   * A blocking playlist reload (LL-HLS `_HLS_msn`/`_HLS_part`): resolves once the rung's
   * playlist holds that segment or part (or the show ended), 'timeout' after `timeoutMs`,
   * 'too_far' when it asks for more than two segments past the live edge.
   */
  async awaitPlaylist(rung: string, msn: number, part: number | null, timeoutMs: number): Promise<'ready' | 'timeout' | 'too_far'> {
    const pl = this.playlists.get(rung);
    if (!pl || pl.isEnded || this.ended || pl.has(msn, part)) return 'ready';
    if (msn > pl.nextMsn + 2) return 'too_far';
    return this.awaitUpdate(rung, () => pl.isEnded || pl.has(msn, part), timeoutMs);
  }

  /** A part named in EXT-X-PRELOAD-HINT (or just before it): resolves once it is written. */
  async awaitPart(rung: string, seq: number, timeoutMs: number): Promise<'ready' | 'timeout' | 'too_far'> {
    const next = this.partSeq.get(rung);
    if (next === undefined || this.ended || seq < next) return 'ready';
    if (seq > next + 1) return 'too_far';
    return this.awaitUpdate(rung, () => this.ended || seq < this.partSeq.get(rung)!, timeoutMs);
  }

  private awaitUpdate(rung: string, done: () => boolean, timeoutMs: number): Promise<'ready' | 'timeout'> {
    return new Promise((resolve) => {
      const finish = (result: 'ready' | 'timeout') => {
        clearTimeout(timer);
        this.updates.off('playlist', onUpdate);
        resolve(result);
      };
      const onUpdate = (name: string) => name === rung && done() && finish('ready');
      const timer = setTimeout(() => finish('timeout'), timeoutMs);
      this.updates.on('playlist', onUpdate);
    });
  }

  private async writeAtomic(file: string, data: string | Buffer): Promise<void> {
    await writeFile(`${file}.tmp`, data);
    await rename(`${file}.tmp`, file);
  }
}
