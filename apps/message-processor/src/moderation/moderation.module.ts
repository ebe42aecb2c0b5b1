import { Module } from '@nestjs/common';
import { ChatLog, ChatMessageRepository } from '@live/chat-data-access';
import { ModerationConsumer } from './moderation.consumer';
import { ModerationService } from './moderation.service';

@Module({
  controllers: [ModerationConsumer],
  providers: [ChatMessageRepository, ChatLog, ModerationService],
})
export class ModerationModule {}
