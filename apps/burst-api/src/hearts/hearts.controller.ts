import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { CurrentUser, JwtAuthGuard, Principal } from '@live/auth';
import { Dto, ZodPipe } from '@live/errors';
import { HeartBatchDto, HeartsSummaryQuery, ShowParams } from './hearts.dto';
import { HeartsService } from './hearts.service';

@Controller('v1/broadcasts/:id/hearts')
@UseGuards(JwtAuthGuard)
export class HeartsController {
  constructor(private readonly hearts: HeartsService) {}

  /** A client's batch of taps: `{ batchId, taps: [videoMs, ...] }` -> `{ batchId, accepted, total }`. */
  @Post()
  @HttpCode(200)
  tap(@CurrentUser() user: Principal, @Param(new ZodPipe(ShowParams)) p: Dto<typeof ShowParams>, @Body(new ZodPipe(HeartBatchDto)) dto: Dto<typeof HeartBatchDto>) {
    return this.hearts.tap(user, p.id, dto);
  }

  /** `{ total, top: [{ userId, count }] }`, top 10 unless `limit` says otherwise (1-100). */
  @Get()
  summary(@Param(new ZodPipe(ShowParams)) p: Dto<typeof ShowParams>, @Query(new ZodPipe(HeartsSummaryQuery)) q: Dto<typeof HeartsSummaryQuery>) {
    return this.hearts.summary(p.id, q.limit);
  }
}
