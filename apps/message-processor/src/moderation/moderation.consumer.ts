import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Groups, Topics } from '@live/contracts';
import { EventBatch } from '@live/kafka';
import { ModerationService } from './moderation.service';

@Controller()
export class ModerationConsumer {
  constructor(private readonly moderation: ModerationService) {}

  @EventPattern(Groups.ChatModeration, { topics: [Topics.ModerationAction] })
  handle(batch: EventBatch<typeof Topics.ModerationAction>): Promise<void> {
    return this.moderation.deleteLines(batch.flatMap((e) => (e.value.action === 'message.deleted' ? [e.value] : [])));
  }
}
