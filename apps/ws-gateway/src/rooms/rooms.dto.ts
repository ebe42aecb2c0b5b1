import { Ack, BroadcastId } from '@live/contracts';
import { z } from 'zod';

export const JoinRequest = z
  .object({
    broadcastId: BroadcastId,
    /** reconnecting: the seq of the last chat line seen; the ack carries what came after */
    // a stream id is <unix ms>-<n>: 15 and 19 digits bound both below 2^64, so Redis never
    // refuses the id (20 digits could pass 2^64 - 1, and the last id has no exclusive range)
    lastSeq: z.string().regex(/^\d{1,15}-\d{1,19}$/, 'must be the seq of a chat line').optional(),
  })
  .strict();

export const RoomRequest = JoinRequest.pick({ broadcastId: true }).strict();

/** The refusal of a payload that fails its schema: the first issue names the field. */
export const invalid = (issue: z.core.$ZodIssue): Ack<never> => ({
  ok: false,
  code: 'VALIDATION_FAILED',
  message: `${issue.path.join('.') || 'payload'}: ${issue.message}`,
  field: issue.path.join('.') || 'payload',
});
