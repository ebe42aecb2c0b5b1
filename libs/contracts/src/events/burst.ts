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

/** One counted batch in a HeartsTappedV2 record: a HeartsTappedV1 without the show, which is the record's. */
export const HeartBatchTapped = HeartsTappedV1.omit({ broadcastId: true });
export type HeartBatchTapped = z.infer<typeof HeartBatchTapped>;

/** A record holds at most this many batches (~250 bytes each, well under the broker's 1 MB record limit). */
export const MAX_HEART_BATCHES_PER_RECORD = 500;

/**
 * A show's heart batches that one burst-api process counted within a few ms, as one record
 * (v1 was a record per batch: in a 30x spike encoding those was a fifth of burst-api's CPU).
 * Each batch keeps its own eventId, the same as v1 gave it, so consumers dedupe per batch
 * across records and versions; the record's own eventId only names the record.
 */
export const HeartsTappedV2 = EventEnvelope.extend({
  broadcastId: z.string().min(1).max(64),
  batches: z.array(HeartBatchTapped).min(1).max(MAX_HEART_BATCHES_PER_RECORD),
});
export type HeartsTappedV2 = z.infer<typeof HeartsTappedV2>;

/** The batches of a v2 record as the per-batch events v1 carried (what consumers count). */
export const heartBatchesOf = (record: HeartsTappedV2): HeartsTappedV1[] => record.batches.map((b) => ({ ...b, broadcastId: record.broadcastId }));

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
