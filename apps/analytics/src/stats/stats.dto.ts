import { BroadcastId } from '@live/contracts';
import { z } from 'zod';

export const ShowParam = z.object({ id: BroadcastId });
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
