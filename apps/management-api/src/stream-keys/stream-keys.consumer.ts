import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Groups, Topics } from '@live/contracts';
import { EventBatch } from '@live/kafka';
import { StreamKeysService } from './stream-keys.service';

/** Keeps the Redis stream-key lookup in step with management's own committed show events. */
@Controller()
export class StreamKeysConsumer {
  constructor(private readonly streamKeys: StreamKeysService) {}

  @EventPattern(Groups.ManagementStreamKeys, { topics: [Topics.BroadcastLifecycle, Topics.StreamKeyRotated] })
  async handle(batch: EventBatch<typeof Topics.BroadcastLifecycle | typeof Topics.StreamKeyRotated>): Promise<void> {
    // the database holds the truth: one mirror write per show of the batch
    for (const id of new Set(batch.map((e) => e.value.broadcastId))) await this.streamKeys.mirror(id);
  }
}
