import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Groups, Topics } from '@live/contracts';
import { EventBatch } from '@live/kafka';
import { MirrorService } from './mirror.service';

@Controller()
export class MirrorConsumer {
  constructor(private readonly mirror: MirrorService) {}

  @EventPattern(Groups.ManagementMirror, { topics: [Topics.BroadcastLifecycle, Topics.ModerationAction, Topics.ChatSettings] })
  handle(batch: EventBatch<typeof Topics.BroadcastLifecycle | typeof Topics.ModerationAction | typeof Topics.ChatSettings>): Promise<void> {
    return this.mirror.apply(batch.map((e) => e.value));
  }
}
