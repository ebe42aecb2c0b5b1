import { Module } from '@nestjs/common';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';
import { RateLimiter } from './rate-limiter';

@Module({
  controllers: [MessagesController],
  providers: [RateLimiter, MessagesService],
})
export class MessagesModule {}
