import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Topics } from '@live/contracts';
import { KafkaService } from '@live/kafka';
import { StreamKeysService } from './stream-keys.service';

/** Keeps the Redis stream-key lookup in step with management's own committed show events. */
@Injectable()
export class StreamKeysConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly kafka: KafkaService,
    private readonly streamKeys: StreamKeysService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.kafka
      .createConsumer({
        groupId: 'management-api.stream-key-mirror',
        topics: [Topics.BroadcastLifecycle, Topics.StreamKeyRotated],
        handleBatch: (events) => this.handle(events),
      })
      .start();
  }

  async handle(events: Array<{ value: { broadcastId: string } }>): Promise<void> {
    // the database holds the truth: one mirror write per show of the batch
    for (const id of new Set(events.map((e) => e.value.broadcastId))) await this.streamKeys.mirror(id);
  }
}
