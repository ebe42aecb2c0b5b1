import { z } from 'zod';
import { EventEnvelope } from './envelope';

/** A shop redeemed a won coupon's code (management-api, through the seller's API key). */
export const CouponRedeemedV1 = EventEnvelope.extend({
  claimId: z.uuid(),
  couponId: z.uuid(),
  broadcastId: z.string().min(1).max(64),
  sellerId: z.string().min(1).max(128),
  userId: z.string().min(1).max(128),
  /** the shop's order reference, if it sent one */
  orderRef: z.string().max(200).nullable(),
  redeemedAt: z.iso.datetime(),
});
export type CouponRedeemedV1 = z.infer<typeof CouponRedeemedV1>;

/** A seller's figures for one UTC day of shows; management-api emits it once per seller and day. */
export const CommerceDailyReportV1 = EventEnvelope.extend({
  sellerId: z.string().min(1).max(128),
  /** YYYY-MM-DD, UTC */
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  showIds: z.array(z.string()).max(1000),
  claims: z.number().int().min(0),
  redemptions: z.number().int().min(0),
  votes: z.number().int().min(0),
});
export type CommerceDailyReportV1 = z.infer<typeof CommerceDailyReportV1>;
