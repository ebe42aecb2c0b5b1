import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Groups, Topics } from '@live/contracts';
import { EventBatch } from '@live/kafka';
import { StreamHealthService } from './stream-health.service';

/** Encoder health samples into the scoreboard; latest-only, so each replica reads them all from now on. */
@Controller()
export class StreamHealthConsumer {
  constructor(private readonly health: StreamHealthService) {}

  @EventPattern(Groups.AnalyticsStreamHealth, { topics: [Topics.EncoderHealth], perReplica: true, fromBeginning: false })
  handle(batch: EventBatch<typeof Topics.EncoderHealth>): void {
    this.health.record(batch.map((e) => e.value));
  }
}
