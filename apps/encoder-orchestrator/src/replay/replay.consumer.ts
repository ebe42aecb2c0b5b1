import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Groups, Topics } from '@live/contracts';
import { EventBatch } from '@live/kafka';
import { ReplayService } from './replay.service';

/** `broadcast ended` -> a replay job. Thin: the service does the work (idempotent by show). */
@Controller()
export class ReplayConsumer {
  constructor(private readonly replay: ReplayService) {}

  @EventPattern(Groups.EncoderReplay, { topics: [Topics.BroadcastLifecycle] })
  handle(batch: EventBatch<typeof Topics.BroadcastLifecycle>): Promise<void> {
    return this.replay.onLifecycle(batch.map((e) => e.value));
  }
}
