import { BroadcastId } from '@live/contracts';
import { z } from 'zod';

export const ShowParams = z.object({ id: BroadcastId });
export type ShowParams = z.infer<typeof ShowParams>;

/**
 * A client's batch of taps: the video positions (ms) it buffered over one window. The count
 * limits and the order are judged by the service (an implausible batch is a strike, not a
 * plain 400), so the schema checks shape only.
 */
export const HeartBatchDto = z
  .object({
    batchId: z.string({ error: 'must be a string' }).regex(/^[A-Za-z0-9._:-]{1,64}$/, '1-64 letters, digits or . _ : -'),
    // one message for the list, whichever element is off (the field is `taps`, not `taps.3`)
    taps: z
      .array(z.unknown(), { error: 'a non-empty list of video positions (ms)' })
      .min(1, 'a non-empty list of video positions (ms)')
      .refine((taps) => taps.every((t) => Number.isInteger(t) && (t as number) >= 0), 'whole, non-negative milliseconds')
      .transform((taps) => taps as number[]),
  })
  .strict();
export type HeartBatchDto = z.infer<typeof HeartBatchDto>;

export const HeartsSummaryQuery = z
  .object({ limit: z.coerce.number({ error: 'a whole number from 1 to 100' }).int('a whole number from 1 to 100').min(1, 'a whole number from 1 to 100').max(100, 'a whole number from 1 to 100').default(10) })
  .strict();
export type HeartsSummaryQuery = z.infer<typeof HeartsSummaryQuery>;
