import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { CommonErrors } from '@live/app';
import { CurrentUser, JwtAuthGuard, Principal } from '@live/auth';
import { HeartsService } from './hearts.service';

@Controller('v1/broadcasts/:id/hearts')
@UseGuards(JwtAuthGuard)
export class HeartsController {
  constructor(private readonly hearts: HeartsService) {}

  /** A client's batch of taps: `{ batchId, taps: [videoMs, ...] }` -> `{ batchId, accepted, total }`. */
  @Post()
  @HttpCode(200)
  tap(@CurrentUser() user: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.hearts.tap(user, id, body);
  }

  /** `{ total, top: [{ userId, count }] }`, top 10 unless `limit` says otherwise (1-100). */
  @Get()
  summary(@Param('id') id: string, @Query('limit') limit?: string) {
    const n = limit === undefined ? 10 : Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 100) throw CommonErrors.validation('limit', 'limit: a whole number from 1 to 100');
    return this.hearts.summary(id, n);
  }
}
