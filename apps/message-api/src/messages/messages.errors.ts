import { AppError, CodeOf, CommonErrorCode } from '@live/errors';

export const ChatErrorCode = {
  Banned: 'BANNED',
  NotLive: 'NOT_LIVE',
  RateLimited: 'RATE_LIMITED',
  DuplicateInFlight: 'DUPLICATE_IN_FLIGHT',
  BrokerUnavailable: CommonErrorCode.BrokerUnavailable,
} as const;
export type ChatErrorCode = CodeOf<typeof ChatErrorCode>;

/** What chat ingest refuses, and why. */
export class ChatError extends AppError<ChatErrorCode> {}

export const ChatErrors = {
  banned: () => new ChatError(403, ChatErrorCode.Banned, 'you are banned from this chat'),
  notLive: (status: string) => new ChatError(409, ChatErrorCode.NotLive, `the show is ${status}, not live`, 'id'),
  rateLimited: (waitMs: number, slowMode: number) =>
    new ChatError(429, ChatErrorCode.RateLimited, slowMode ? `slow mode: one line every ${slowMode} s` : 'too many lines; wait a moment', undefined, {
      'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))),
    }),
  inFlight: () => new ChatError(409, ChatErrorCode.DuplicateInFlight, 'this clientMessageId is still being sent', 'clientMessageId', { 'Retry-After': '1' }),
  unavailable: () =>
    new ChatError(503, ChatErrorCode.BrokerUnavailable, 'chat is briefly unavailable; retry with the same clientMessageId', undefined, { 'Retry-After': '1' }),
};
