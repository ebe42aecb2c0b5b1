import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AllowRoles, CurrentUser, JwtAuthGuard, Principal } from '@live/auth';
import { IdParam, Dto, ZodPipe, openApiSchema } from '../common/validation';
import { CreatePoll, PollParams } from './polls.dto';
import { PollsService } from './polls.service';

@ApiTags('polls')
@ApiBearerAuth()
@Controller('v1/broadcasts/:id/polls')
@UseGuards(JwtAuthGuard)
@AllowRoles('admin', 'operator', 'seller')
export class PollsController {
  constructor(private readonly polls: PollsService) {}

  @Post()
  @ApiBody({ schema: openApiSchema(CreatePoll) })
  create(@CurrentUser() user: Principal, @Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>, @Body(new ZodPipe(CreatePoll)) dto: Dto<typeof CreatePoll>) {
    return this.polls.create(user, p.id, dto);
  }

  @Get()
  list(@CurrentUser() user: Principal, @Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>) {
    return this.polls.list(user, p.id);
  }

  @Post(':pollId/open')
  @HttpCode(200)
  @ApiOperation({ summary: 'draft -> open (viewers get overlay.show; votes go to burst-api)' })
  open(@CurrentUser() user: Principal, @Param(new ZodPipe(PollParams)) p: Dto<typeof PollParams>) {
    return this.polls.transition(user, p.id, p.pollId, 'open');
  }

  @Post(':pollId/close')
  @HttpCode(200)
  close(@CurrentUser() user: Principal, @Param(new ZodPipe(PollParams)) p: Dto<typeof PollParams>) {
    return this.polls.transition(user, p.id, p.pollId, 'closed');
  }
}
