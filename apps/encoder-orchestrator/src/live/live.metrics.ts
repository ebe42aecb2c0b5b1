import { Injectable } from '@nestjs/common';
import { MetricsService } from '@live/metrics';
import { Counter, Gauge } from 'prom-client';

/** The live half's Prometheus series (names agreed in VIDEO-CONTRACTS.md; the HPA scales on them). */
@Injectable()
export class LiveMetrics {
  readonly streams: Gauge;
  readonly capacity: Gauge;
  readonly refused: Counter<'reason'>;
  readonly stalls: Counter;
  readonly ffmpegRestarts: Counter;
  readonly overlaysStamped: Counter;
  readonly overlaysRejected: Counter<'reason'>;

  constructor(metrics: MetricsService) {
    const gauge = (name: string, help: string) =>
      (metrics.registry.getSingleMetric(name) as Gauge) ?? new Gauge({ name, help, registers: [metrics.registry] });
    this.streams = gauge('encoder_live_streams', 'live inputs this replica carries now (connected or within the reconnect window)');
    this.capacity = gauge('encoder_live_streams_capacity', 'live inputs this replica may carry (ENCODER_MAX_STREAMS)');
    this.refused = metrics.counter('encoder_ingest_refused_total', 'pushes refused or dropped, by reason', ['reason']);
    this.stalls = metrics.counter('encoder_ingest_stalls_total', 'inputs that stopped sending frames while connected');
    this.ffmpegRestarts = metrics.counter('encoder_ffmpeg_restarts_total', 'ffmpeg processes that died under a live input and were restarted');
    this.overlaysStamped = metrics.counter('encoder_overlays_stamped_total', 'overlay changes queued as ID3 timed metadata');
    this.overlaysRejected = metrics.counter('encoder_overlays_rejected_total', 'overlay events that could not be stamped: malformed (bad JSON or schema, dead-lettered) or failed', ['reason']);
  }
}
