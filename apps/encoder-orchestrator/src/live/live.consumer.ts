import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { BroadcastLifecycleV1, Groups, OverlayChangedV1, Topics } from '@live/contracts';
import { EventBatch } from '@live/kafka';
import { LiveService } from './live.service';

/** Overlay changes older than this are history, not something to stamp into live video. */
const STALE_MS = 60_000;

/**
 * Overlay changes (-> ID3 in the live segments) and show ends (-> stop, keep the recording).
 * Every replica needs every event of the shows it carries, so the group is per replica.
 */
@Controller()
export class LiveConsumer {
  constructor(private readonly live: LiveService) {}

  @EventPattern(Groups.EncoderLive, { topics: [Topics.OverlayChanged, Topics.BroadcastLifecycle], perReplica: true })
  async handle(batch: EventBatch<typeof Topics.OverlayChanged | typeof Topics.BroadcastLifecycle>): Promise<void> {
    const recent = (at: string) => Date.now() - Date.parse(at) < STALE_MS;
    const overlays = batch.filter((e) => e.topic === Topics.OverlayChanged).map((e) => e.value as OverlayChangedV1);
    const lifecycle = batch.filter((e) => e.topic === Topics.BroadcastLifecycle).map((e) => e.value as BroadcastLifecycleV1);
    await this.live.onOverlays(overlays.filter((o) => recent(o.occurredAt)));
    await this.live.onLifecycle(lifecycle);
  }
}
