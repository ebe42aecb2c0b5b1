import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { CurrentUser, JwtAuthGuard, Principal } from '@live/auth';
import { RateLimit } from '@live/bootstrap';
import { Dto, ZodPipe } from '@live/errors';
import { SendMessageDto, ShowParams } from './messages.dto';
import { MessagesService } from './messages.service';

@Controller('v1/broadcasts/:id/messages')
@UseGuards(JwtAuthGuard)
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  /** 202 `{ messageId, acceptedAt }` once Kafka has the line (acks=all). */
  @Post()
  @HttpCode(202)
  // above the per-show slow mode and token bucket (which answer per show): a flood across shows
  @RateLimit('chat', { user: { limit: 60, seconds: 10 }, ip: { limit: 10_000, seconds: 10 } })
  post(@CurrentUser() user: Principal, @Param(new ZodPipe(ShowParams)) p: Dto<typeof ShowParams>, @Body(new ZodPipe(SendMessageDto)) dto: Dto<typeof SendMessageDto>) {
    return this.messages.post(user, p.id, dto);
  }
}
