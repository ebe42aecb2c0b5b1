import { AppError, CodeOf } from '@live/errors';

export const CommerceErrorCode = {
  /** unknown, malformed or another seller's code: one answer, so codes cannot be probed */
  CodeNotFound: 'CODE_NOT_FOUND',
  AlreadyRedeemed: 'ALREADY_REDEEMED',
  CodeExpired: 'CODE_EXPIRED',
  RateLimited: 'RATE_LIMITED',
} as const;
export type CommerceErrorCode = CodeOf<typeof CommerceErrorCode>;

export class CommerceError extends AppError<CommerceErrorCode> {}

export const CommerceErrors = {
  notFound: () => new CommerceError(404, CommerceErrorCode.CodeNotFound, 'no such coupon code for this seller', 'code'),
  alreadyRedeemed: (at: Date) => new CommerceError(409, CommerceErrorCode.AlreadyRedeemed, `the code was already redeemed at ${at.toISOString()}`, 'code'),
  expired: (at: Date) => new CommerceError(410, CommerceErrorCode.CodeExpired, `the code expired at ${at.toISOString()}`, 'code'),
  rateLimited: (retryAfterSeconds: number) =>
    new CommerceError(429, CommerceErrorCode.RateLimited, 'too many redemption attempts with this API key; slow down', undefined, { 'Retry-After': String(retryAfterSeconds) }),
};
