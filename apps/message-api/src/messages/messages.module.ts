import { Module } from '@nestjs/common';
import { BansModule } from '@live/management-bans';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';
import { RateLimiter } from './rate-limiter';

@Module({
  imports: [BansModule],
  controllers: [MessagesController],
  providers: [RateLimiter, MessagesService],
})
export class MessagesModule {}
