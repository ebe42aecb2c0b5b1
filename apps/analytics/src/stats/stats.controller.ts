import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { Dto, ZodPipe } from '@live/errors';
import { AllowRoles, CurrentUser, JwtAuthGuard, Principal } from '@live/auth';
import { ShowParam, StatsQuery } from './stats.dto';
import { StatsService } from './stats.service';

/** Per-show analytics for operators, admins and the show's seller. */
@Controller('v1/broadcasts/:id')
@UseGuards(JwtAuthGuard)
@AllowRoles('admin', 'operator', 'seller')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  /** `?granularity=1s|1m&from&to`: the show's windows in event time, oldest first. */
  @Get('stats')
  windows(@CurrentUser() user: Principal, @Param(new ZodPipe(ShowParam)) p: Dto<typeof ShowParam>, @Query(new ZodPipe(StatsQuery)) q: Dto<typeof StatsQuery>) {
    return this.stats.windows(user, p.id, q.granularity, q.from, q.to);
  }

  /** Hearts by video second: which moments moved people. */
  @Get('heatmap')
  heatmap(@CurrentUser() user: Principal, @Param(new ZodPipe(ShowParam)) p: Dto<typeof ShowParam>) {
    return this.stats.heatmap(user, p.id);
  }

  /** Everything about the show; `final` once it ended and the allowed lateness passed. */
  @Get('report')
  report(@CurrentUser() user: Principal, @Param(new ZodPipe(ShowParam)) p: Dto<typeof ShowParam>) {
    return this.stats.report(user, p.id);
  }
}
