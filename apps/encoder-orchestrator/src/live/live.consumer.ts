import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { BroadcastLifecycleV1, OverlayChangedV1, Topics } from '@live/contracts';
import { KafkaService } from '@live/kafka';
import { AppConfig } from '../app.config';
import { LiveService } from './live.service';

/** Overlay changes older than this are history, not something to stamp into live video. */
const STALE_MS = 60_000;

/**
 * Overlay changes (-> ID3 in the live segments) and show ends (-> stop, keep the recording).
 * Every replica needs every event of the shows it carries, so the group is per replica.
 */
@Injectable()
export class LiveConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly kafka: KafkaService,
    private readonly live: LiveService,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.kafka
      .createConsumer({
        groupId: `encoder-orchestrator.live.${this.config.ENCODER_REPLICA_ID}`,
        topics: [Topics.OverlayChanged, Topics.BroadcastLifecycle],
        fromBeginning: true,
        handleBatch: (events) => this.handle(events),
      })
      .start();
  }

  async handle(events: Array<{ topic: string; value: unknown }>): Promise<void> {
    const recent = (at: string) => Date.now() - Date.parse(at) < STALE_MS;
    const overlays = events.filter((e) => e.topic === Topics.OverlayChanged).map((e) => e.value as OverlayChangedV1);
    const lifecycle = events.filter((e) => e.topic === Topics.BroadcastLifecycle).map((e) => e.value as BroadcastLifecycleV1);
    await this.live.onOverlays(overlays.filter((o) => recent(o.occurredAt)));
    await this.live.onLifecycle(lifecycle);
  }
}
