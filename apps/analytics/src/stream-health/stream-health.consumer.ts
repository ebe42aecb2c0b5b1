import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { EncoderStreamHealthV1, Topics } from '@live/contracts';
import { KafkaService } from '@live/kafka';
import os from 'node:os';
import { StreamHealthService } from './stream-health.service';

/** Encoder health samples into the scoreboard; latest-only, so each replica reads them all from now on. */
@Injectable()
export class StreamHealthConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly kafka: KafkaService,
    private readonly health: StreamHealthService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.kafka
      .createConsumer({
        groupId: `analytics.stream-health.${os.hostname()}`,
        topics: [Topics.EncoderHealth],
        handleBatch: async (events) => this.handle(events.map((e) => e.value)),
      })
      .start();
  }

  handle(events: EncoderStreamHealthV1[]): void {
    this.health.record(events);
  }
}
