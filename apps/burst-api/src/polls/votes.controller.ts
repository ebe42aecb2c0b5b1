import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { CurrentUser, JwtAuthGuard, Principal } from '@live/auth';
import { Dto, ZodPipe } from '@live/errors';
import { VoteDto, VoteParams } from './votes.dto';
import { VotesService } from './votes.service';

@Controller('v1/broadcasts/:id/polls/:pollId/votes')
@UseGuards(JwtAuthGuard)
export class VotesController {
  constructor(private readonly votes: VotesService) {}

  /** `{ option }` (index) -> 201 `{ voteId }`; 409 poll not open or already voted. */
  @Post()
  @HttpCode(201)
  vote(@CurrentUser() user: Principal, @Param(new ZodPipe(VoteParams)) p: Dto<typeof VoteParams>, @Body(new ZodPipe(VoteDto)) dto: Dto<typeof VoteDto>) {
    return this.votes.vote(user, p.id, p.pollId, dto);
  }
}
