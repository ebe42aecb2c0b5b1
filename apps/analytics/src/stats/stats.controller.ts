import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { Dto, ZodPipe } from '@live/errors';
import { AllowRoles, CurrentUser, JwtAuthGuard, Principal } from '@live/auth';
import { z } from 'zod';
import { StatsService } from './stats.service';

const ShowParam = z.object({ id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a broadcast id') });
const isoDate = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).transform((s) => new Date(s));
const MAX_SECOND_WINDOWS = 3_600;

export const StatsQuery = z
  .object({
    granularity: z.enum(['1s', '1m'], { error: 'must be 1s or 1m' }).default('1m'),
    from: isoDate.optional(),
    to: isoDate.optional(),
  })
  .strict()
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: 'must be after from', path: ['to'] })
  .refine((q) => q.granularity !== '1s' || (q.from && q.to && q.to.getTime() - q.from.getTime() <= MAX_SECOND_WINDOWS * 1_000), {
    message: `1s windows need from and to at most ${MAX_SECOND_WINDOWS} s apart`,
    path: ['from'],
  });

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
