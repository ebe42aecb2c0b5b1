import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Groups, Topics } from '@live/contracts';
import { EventBatch } from '@live/kafka';
import { OverlaysService } from './overlays.service';

/**
 * One gateway of the group handles a partition; the Redis adapter carries its emits to
 * viewers on every gateway.
 */
@Controller()
export class OverlaysConsumer {
  constructor(private readonly overlays: OverlaysService) {}

  @EventPattern(Groups.RealtimeOverlays, { topics: [Topics.OverlayChanged, Topics.BroadcastLifecycle] })
  handle(batch: EventBatch<typeof Topics.OverlayChanged | typeof Topics.BroadcastLifecycle>): Promise<void> {
    return this.overlays.apply(batch.map((e) => e.value));
  }
}
