import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { BroadcastLifecycleV1, IngestRefusal, OverlayChangedV1, StreamHealth, Topics } from '@live/contracts';
import { KafkaService } from '@live/kafka';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { AppConfig } from '../app.config';
import { RecordingWriter } from '../recording/recording.writer';
import { FlvSource, LivePipeline, PipelineSettings } from './live-pipeline';
import { LiveMetrics } from './live.metrics';

/** Answer to an ingest asking to carry a show's push. */
export type Admission = { ok: true } | { ok: false; reason: IngestRefusal; message: string };

/**
 * The shows this replica carries: admission against ENCODER_MAX_STREAMS, one LivePipeline
 * per show, the reconnect window, overlay changes and show ends from Kafka, ingest and health
 * events to Kafka.
 */
@Injectable()
export class LiveService implements OnApplicationShutdown {
  private readonly logger = new Logger('Live');
  private readonly pipelines = new Map<string, LivePipeline>();
  /** shows whose encoder left: they keep their slot until the reconnect window closes */
  private readonly graceTimers = new Map<string, NodeJS.Timeout>();
  private readonly refusers = new Map<string, (reason: IngestRefusal, detail: string) => void>();
  readonly storageDir: string;
  private readonly settings: PipelineSettings;

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly kafka: KafkaService,
    private readonly metrics: LiveMetrics,
  ) {
    this.storageDir = path.resolve(config.ENCODER_STORAGE_DIR);
    this.settings = {
      storageDir: this.storageDir,
      ffmpeg: config.ENCODER_FFMPEG,
      ladderHeights: config.ENCODER_LADDER,
      fps: config.ENCODER_FPS,
      preset: config.ENCODER_X264_PRESET,
      segmentSeconds: config.ENCODER_SEGMENT_SECONDS,
      partsPerSegment: config.ENCODER_LL_PARTS,
      windowSegments: 6,
      maxInputWidth: config.ENCODER_MAX_INPUT_WIDTH,
      maxInputHeight: config.ENCODER_MAX_INPUT_HEIGHT,
      stallMs: config.ENCODER_STALL_MS,
    };
    metrics.capacity.set(config.ENCODER_MAX_STREAMS);
    metrics.streams.set(0);
    // a malformed overlay event never reaches the handler: the consumer dead-letters it
    kafka.onDeadLetter(({ topic, reason }) => {
      if (topic !== Topics.OverlayChanged) return;
      this.metrics.overlaysRejected.inc({ reason: 'malformed' });
      this.logger.warn(`overlay event rejected (malformed, dead-lettered): ${reason}`);
    });
  }

  /** Shows holding a slot: an encoder connected, or gone for less than the reconnect window. */
  carried(): number {
    return [...this.pipelines.values()].filter((p) => !p.isEnded && (p.active || this.graceTimers.has(p.broadcastId))).length;
  }

  admit(broadcastId: string): Admission {
    const p = this.pipelines.get(broadcastId);
    if (p?.active) return { ok: false, reason: 'duplicate', message: `show ${broadcastId} already has a connected encoder` };
    if (p?.isEnded) return { ok: false, reason: 'show_ended', message: `show ${broadcastId} has ended` };
    const holdsSlot = p !== undefined && this.graceTimers.has(broadcastId);
    if (!holdsSlot && this.carried() >= this.config.ENCODER_MAX_STREAMS) {
      return { ok: false, reason: 'capacity', message: `this replica carries ${this.carried()} of ENCODER_MAX_STREAMS=${this.config.ENCODER_MAX_STREAMS} live inputs` };
    }
    return { ok: true };
  }

  /** A validated publisher: (re)starts the show's pipeline on it. */
  async connect(broadcastId: string, source: FlvSource, refuse: (reason: IngestRefusal, detail: string) => void): Promise<number> {
    const timer = this.graceTimers.get(broadcastId);
    if (timer) clearTimeout(timer);
    this.graceTimers.delete(broadcastId);
    let p = this.pipelines.get(broadcastId);
    if (!p) {
      p = new LivePipeline(broadcastId, await RecordingWriter.open(this.storageDir, broadcastId), this.settings, {
        refuse: (id, reason, detail) => this.refusers.get(id)?.(reason, detail),
        health: (id, session, health) => void this.publishHealth(id, session, health),
        stalled: () => this.metrics.stalls.inc(),
        ffmpegRestart: () => this.metrics.ffmpegRestarts.inc(),
      });
      this.pipelines.set(broadcastId, p);
    }
    this.refusers.set(broadcastId, refuse);
    const session = await p.start(source);
    this.updateGauge();
    await this.publishIngest(broadcastId, 'connected', null, session);
    return session;
  }

  /** The encoder went away: the session closes, the slot stays for the reconnect window. */
  async disconnect(broadcastId: string, reason: IngestRefusal | null = null): Promise<void> {
    const p = this.pipelines.get(broadcastId);
    if (!p || p.isEnded) return;
    const session = p.sessionNumber;
    await p.stop();
    // an input refused for what it is (codec, size, no video) holds no slot: the same input
    // would be refused again, and the slot may serve another show
    const inputRefused = reason === 'unsupported_codec' || reason === 'too_large' || reason === 'no_video';
    if (!p.isEnded && !inputRefused) {
      this.graceTimers.set(
        broadcastId,
        setTimeout(() => {
          this.graceTimers.delete(broadcastId);
          this.updateGauge();
          this.logger.log(`show ${broadcastId}: encoder not back within ${this.config.ENCODER_RECONNECT_GRACE_MS} ms; slot released`);
        }, this.config.ENCODER_RECONNECT_GRACE_MS),
      );
    }
    this.updateGauge();
    await this.publishIngest(broadcastId, 'disconnected', reason, session);
  }

  async refused(broadcastId: string | null, reason: IngestRefusal): Promise<void> {
    this.metrics.refused.inc({ reason });
    await this.publishIngest(broadcastId, 'refused', reason, null);
  }

  pipeline(broadcastId: string): LivePipeline | undefined {
    return this.pipelines.get(broadcastId);
  }

  /** Overlay changes of the shows carried here become ID3 tags; the rest are not ours. */
  async onOverlays(events: OverlayChangedV1[]): Promise<void> {
    for (const e of events) {
      const p = this.pipelines.get(e.broadcastId);
      if (!p || p.isEnded) continue;
      try {
        await p.overlay(e);
        this.metrics.overlaysStamped.inc();
      } catch (err) {
        this.metrics.overlaysRejected.inc({ reason: 'failed' });
        this.logger.warn(`overlay ${e.key} of show ${e.broadcastId} not stamped: ${(err as Error).message}`);
      }
    }
  }

  /** A show ended: its pipeline stops, playlists get ENDLIST, the recording is completed. */
  async onLifecycle(events: BroadcastLifecycleV1[]): Promise<void> {
    for (const e of events) {
      if (e.status !== 'ended') continue;
      const p = this.pipelines.get(e.broadcastId);
      if (!p || p.isEnded) continue;
      const timer = this.graceTimers.get(e.broadcastId);
      if (timer) clearTimeout(timer);
      this.graceTimers.delete(e.broadcastId);
      this.refusers.get(e.broadcastId)?.('show_ended', 'the show ended');
      await p.end();
      this.updateGauge();
    }
  }

  private updateGauge(): void {
    this.metrics.streams.set(this.carried());
  }

  private async publishIngest(broadcastId: string | null, state: 'connected' | 'disconnected' | 'refused', reason: IngestRefusal | null, session: number | null) {
    const now = new Date().toISOString();
    await this.kafka
      .publish(Topics.EncoderIngest, broadcastId ?? 'unknown', {
        eventId: randomUUID(),
        occurredAt: now,
        broadcastId,
        state,
        reason,
        session,
        replica: this.config.ENCODER_REPLICA_ID,
        at: now,
      })
      .catch((err: Error) => this.logger.warn(`ingest event not published: ${err.message}`));
  }

  private async publishHealth(broadcastId: string, session: number, health: StreamHealth) {
    const now = new Date().toISOString();
    await this.kafka
      .publish(Topics.EncoderHealth, broadcastId, { eventId: randomUUID(), occurredAt: now, broadcastId, session, health, at: now })
      .catch((err: Error) => this.logger.warn(`health event not published: ${err.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    for (const t of this.graceTimers.values()) clearTimeout(t);
    await Promise.all([...this.pipelines.values()].map((p) => p.stop().catch(() => undefined)));
  }
}
