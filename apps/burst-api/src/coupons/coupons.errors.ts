import { AppError, CodeOf, CommonErrorCode } from '@live/errors';

export const CouponErrorCode = {
  NotExposed: 'NOT_EXPOSED',
  AlreadyClaimed: 'ALREADY_CLAIMED',
  SoldOut: 'SOLD_OUT',
  Banned: 'BANNED',
  RateLimited: 'RATE_LIMITED',
  BrokerUnavailable: CommonErrorCode.BrokerUnavailable,
} as const;
export type CouponErrorCode = CodeOf<typeof CouponErrorCode>;

export class CouponError extends AppError<CouponErrorCode> {}

export const CouponErrors = {
  notExposed: () => new CouponError(409, CouponErrorCode.NotExposed, 'the coupon is not on offer right now', 'couponId'),
  alreadyClaimed: () => new CouponError(409, CouponErrorCode.AlreadyClaimed, 'you already claimed this coupon', 'couponId'),
  soldOut: () => new CouponError(410, CouponErrorCode.SoldOut, 'the coupon is sold out', 'couponId'),
  banned: () => new CouponError(403, CouponErrorCode.Banned, 'you are banned from this show'),
  rateLimited: (retryAfterSeconds: number) =>
    new CouponError(429, CouponErrorCode.RateLimited, 'too many claims; wait a moment', undefined, { 'Retry-After': String(retryAfterSeconds) }),
  unavailable: () => new CouponError(503, CouponErrorCode.BrokerUnavailable, 'claims are briefly unavailable; try again', undefined, { 'Retry-After': '1' }),
};
