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

const BATCH_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * The same checks as HeartBatchDto, by hand, for the socket channel: one tap batch there is a
 * few µs of work, and a zod parse cost more than the rest. The answers match the DTO's
 * (field and message); hearts.dto.spec.ts holds them side by side. `alsoAllowed`: one more key
 * the body may carry (a socket message's `broadcastId`, checked by its caller).
 */
export function parseHeartBatch(body: unknown, alsoAllowed?: string): { ok: true; value: HeartBatchDto } | { ok: false; field: string; message: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, field: 'body', message: 'the body must be a JSON object' };
  const { batchId, taps } = body as { batchId?: unknown; taps?: unknown };
  if (typeof batchId !== 'string') return { ok: false, field: 'batchId', message: 'must be a string' };
  if (!BATCH_ID.test(batchId)) return { ok: false, field: 'batchId', message: '1-64 letters, digits or . _ : -' };
  if (!Array.isArray(taps) || taps.length === 0) return { ok: false, field: 'taps', message: 'a non-empty list of video positions (ms)' };
  for (let i = 0; i < taps.length; i++) {
    const t = taps[i] as unknown;
    if (!Number.isInteger(t) || (t as number) < 0) return { ok: false, field: 'taps', message: 'whole, non-negative milliseconds' };
  }
  for (const key in body) if (key !== 'batchId' && key !== 'taps' && key !== alsoAllowed) return { ok: false, field: key, message: `unknown field "${key}"` };
  return { ok: true, value: { batchId, taps: taps as number[] } };
}
