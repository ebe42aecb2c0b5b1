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

/** A coupon claim that took one from the stock (Redis); burst-api persists it. */
export const CouponClaimedV1 = EventEnvelope.extend({
  claimId: z.uuid(),
  broadcastId: z.string().min(1).max(64),
  couponId: z.uuid(),
  userId: z.string().min(1).max(128),
  /** this viewer's n-th claim of this coupon (1..per-user limit) */
  ordinal: z.number().int().min(1),
  remaining: z.number().int().min(0),
});
export type CouponClaimedV1 = z.infer<typeof CouponClaimedV1>;

/** A viewer's vote in an open poll (one per viewer and poll). */
export const PollVotedV1 = EventEnvelope.extend({
  voteId: z.uuid(),
  broadcastId: z.string().min(1).max(64),
  pollId: z.uuid(),
  userId: z.string().min(1).max(128),
  /** index into the poll's options */
  option: z.number().int().min(0).max(5),
});
export type PollVotedV1 = z.infer<typeof PollVotedV1>;
