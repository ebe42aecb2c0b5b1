import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { CurrentUser, JwtAuthGuard, Principal } from '@live/auth';
import { MessagesService } from './messages.service';

@Controller('v1/broadcasts/:id/messages')
@UseGuards(JwtAuthGuard)
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  /** 202 `{ messageId, acceptedAt }` once Kafka has the line (acks=all). */
  @Post()
  @HttpCode(202)
  post(@CurrentUser() user: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.messages.post(user, id, body);
  }
}
