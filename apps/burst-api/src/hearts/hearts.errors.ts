import { AppError, CodeOf } from '@live/errors';

export const HeartsErrorCode = {
  ImplausibleTaps: 'IMPLAUSIBLE_TAPS',
  Throttled: 'THROTTLED',
  NotLive: 'NOT_LIVE',
  Banned: 'BANNED',
} as const;
export type HeartsErrorCode = CodeOf<typeof HeartsErrorCode>;

export class HeartsError extends AppError<HeartsErrorCode> {}

export const HeartsErrors = {
  implausible: (message: string, field = 'taps') => new HeartsError(400, HeartsErrorCode.ImplausibleTaps, message, field),
  throttled: () => new HeartsError(429, HeartsErrorCode.Throttled, 'too many implausible batches; wait a minute', undefined, { 'Retry-After': '60' }),
  notLive: (status: string) => new HeartsError(409, HeartsErrorCode.NotLive, `the show is ${status}, not live`, 'id'),
  banned: () => new HeartsError(403, HeartsErrorCode.Banned, 'you are banned from this show'),
};
