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
