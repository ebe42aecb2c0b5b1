import { AppError, CodeOf } from '@live/errors';

export const HeartsErrorCode = {
  ImplausibleTaps: 'IMPLAUSIBLE_TAPS',
  Throttled: 'THROTTLED',
  /** more taps across the viewer's batches than a person makes (per second of wall time or of video) */
  RateLimited: 'RATE_LIMITED',
  /** a batchId already counted with another number of taps */
  BatchIdReused: 'BATCH_ID_REUSED',
  NotLive: 'NOT_LIVE',
  Banned: 'BANNED',
} as const;
export type HeartsErrorCode = CodeOf<typeof HeartsErrorCode>;

export class HeartsError extends AppError<HeartsErrorCode> {
  /** seconds the client should wait before sending again (429s), for the socket ack */
  get retryAfter(): number | undefined {
    const v = this.headers['Retry-After'];
    return v === undefined ? undefined : Number(v);
  }
}

export const HeartsErrors = {
  implausible: (message: string, field = 'taps') => new HeartsError(400, HeartsErrorCode.ImplausibleTaps, message, field),
  throttled: () => new HeartsError(429, HeartsErrorCode.Throttled, 'too many implausible batches; wait a minute', undefined, { 'Retry-After': '60' }),
  rateLimited: (per: 'wall' | 'video', retryAfterSeconds: number) =>
    new HeartsError(
      429,
      HeartsErrorCode.RateLimited,
      per === 'wall' ? 'taps: more across your batches than a person taps per second; send them later' : 'taps: more across your batches than a person taps per second of video',
      'taps',
      { 'Retry-After': String(retryAfterSeconds) },
    ),
  batchIdReused: (accepted: number) =>
    new HeartsError(409, HeartsErrorCode.BatchIdReused, `batchId: already counted with ${accepted} taps; a new batch needs a new id`, 'batchId'),
  notLive: (status: string) => new HeartsError(409, HeartsErrorCode.NotLive, `the show is ${status}, not live`, 'id'),
  banned: () => new HeartsError(403, HeartsErrorCode.Banned, 'you are banned from this show'),
};
