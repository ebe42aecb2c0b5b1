import { z } from 'zod';
import { EventEnvelope } from './envelope';

/** A viewer's batch of heart taps, as counted (for analytics: which moments moved people). */
export const HeartsTappedV1 = EventEnvelope.extend({
  broadcastId: z.string().min(1).max(64),
  userId: z.string().min(1).max(128),
  batchId: z.string().min(1).max(64),
  /** video positions of the taps, ms, non-decreasing */
  taps: z.array(z.number().int().min(0)).min(1).max(60),
  /** the show's total right after this batch */
  totalAfter: z.number().int().min(0),
});
export type HeartsTappedV1 = z.infer<typeof HeartsTappedV1>;
