import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Groups, Topics } from '@live/contracts';
import { EventBatch } from '@live/kafka';
import { ShowEndService } from './show-end.service';

@Controller()
export class ShowEndConsumer {
  constructor(private readonly showEnd: ShowEndService) {}

  @EventPattern(Groups.BurstShowEnd, { topics: [Topics.BroadcastLifecycle] })
  async handle(batch: EventBatch<typeof Topics.BroadcastLifecycle>): Promise<void> {
    for (const { value } of batch) if (value.status === 'ended') await this.showEnd.flush(value.broadcastId);
  }
}
