import { AppError, CodeOf, CommonErrorCode } from '@live/errors';

export const VoteErrorCode = {
  PollNotOpen: 'POLL_NOT_OPEN',
  AlreadyVoted: 'ALREADY_VOTED',
  BrokerUnavailable: CommonErrorCode.BrokerUnavailable,
} as const;
export type VoteErrorCode = CodeOf<typeof VoteErrorCode>;

export class VoteError extends AppError<VoteErrorCode> {}

export const VoteErrors = {
  notOpen: () => new VoteError(409, VoteErrorCode.PollNotOpen, 'the poll is not open', 'pollId'),
  alreadyVoted: () => new VoteError(409, VoteErrorCode.AlreadyVoted, 'you already voted in this poll', 'pollId'),
  unavailable: () => new VoteError(503, VoteErrorCode.BrokerUnavailable, 'votes are briefly unavailable; try again', undefined, { 'Retry-After': '1' }),
};
