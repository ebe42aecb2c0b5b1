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

// A drop answers these thousands of times a second, always the same: one immutable instance
// each (creating an error, with its stack, was ~5% of a claim's CPU). Nothing mutates them: the
// HTTP filter and the socket ack copy what they send.
const NOT_EXPOSED = new CouponError(409, CouponErrorCode.NotExposed, 'the coupon is not on offer right now', 'couponId');
const ALREADY_CLAIMED = new CouponError(409, CouponErrorCode.AlreadyClaimed, 'you already claimed this coupon', 'couponId');
const SOLD_OUT = new CouponError(410, CouponErrorCode.SoldOut, 'the coupon is sold out', 'couponId');
const BANNED = new CouponError(403, CouponErrorCode.Banned, 'you are banned from this show');

export const CouponErrors = {
  notExposed: () => NOT_EXPOSED,
  alreadyClaimed: () => ALREADY_CLAIMED,
  soldOut: () => SOLD_OUT,
  banned: () => BANNED,
  rateLimited: (retryAfterSeconds: number) =>
    new CouponError(429, CouponErrorCode.RateLimited, 'too many claims; wait a moment', undefined, { 'Retry-After': String(retryAfterSeconds) }),
  unavailable: () => new CouponError(503, CouponErrorCode.BrokerUnavailable, 'claims are briefly unavailable; try again', undefined, { 'Retry-After': '1' }),
};
