import { CouponEntity } from '@live/management-data-access';
import { CouponTerms } from '@live/contracts';
import { z } from 'zod';
import { v } from '../common/validation';

export const CreateCoupon = z
  .object({
    name: v.text(80),
    discountType: z.enum(['percent', 'amount'], { error: "must be 'percent' or 'amount'" }),
    discountValue: v.money,
    currency: v.currency.optional(),
    totalQuantity: v.count(10_000_000).refine((n) => n > 0, 'must be at least 1'),
    perUserLimit: v.count(100).refine((n) => n > 0, 'must be at least 1').default(1),
    validFrom: v.date,
    validUntil: v.date,
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.discountValue <= 0) ctx.addIssue({ code: 'custom', path: ['discountValue'], message: 'must be more than 0' });
    if (c.discountType === 'percent' && c.discountValue > 100) ctx.addIssue({ code: 'custom', path: ['discountValue'], message: 'a percentage is at most 100' });
    if (c.discountType === 'amount' && !c.currency) ctx.addIssue({ code: 'custom', path: ['currency'], message: 'required for an amount discount' });
    if (Date.parse(c.validUntil) <= Date.parse(c.validFrom)) ctx.addIssue({ code: 'custom', path: ['validUntil'], message: 'must be after validFrom' });
  });
export type CreateCoupon = z.infer<typeof CreateCoupon>;

export const CouponParams = z.object({ id: v.uuid(), couponId: v.uuid('couponId') });
export type CouponParams = z.infer<typeof CouponParams>;

/** A coupon as the API answers it, and the terms its overlay carries to burst-api. */
export const couponView = (c: CouponEntity): CouponTerms => ({
  id: c.id,
  broadcastId: c.broadcastId,
  name: c.name,
  discountType: c.discountType,
  discountValue: Number(c.discountValue),
  currency: c.currency,
  totalQuantity: c.totalQuantity,
  perUserLimit: c.perUserLimit,
  validFrom: c.validFrom.toISOString(),
  validUntil: c.validUntil.toISOString(),
  exposed: c.exposed,
});
