import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { CurrentUser, JwtAuthGuard, Principal } from '@live/auth';
import { VotesService } from './votes.service';

@Controller('v1/broadcasts/:id/polls/:pollId/votes')
@UseGuards(JwtAuthGuard)
export class VotesController {
  constructor(private readonly votes: VotesService) {}

  /** `{ option }` (index) -> 201 `{ voteId }`; 409 poll not open or already voted. */
  @Post()
  @HttpCode(201)
  vote(@CurrentUser() user: Principal, @Param('id') id: string, @Param('pollId') pollId: string, @Body() body: unknown) {
    return this.votes.vote(user, id, pollId, body);
  }
}
