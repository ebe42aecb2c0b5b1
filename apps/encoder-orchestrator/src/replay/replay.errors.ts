import { AppError, CodeOf, CommonErrors } from '@live/errors';

export const ReplayErrorCode = {
  ReplayInProgress: 'REPLAY_IN_PROGRESS',
  JobNotFailed: 'JOB_NOT_FAILED',
} as const;
export type ReplayErrorCode = CodeOf<typeof ReplayErrorCode>;

export class ReplayError extends AppError<ReplayErrorCode> {}

export const ReplayErrors = {
  inProgress: (jobId: string) => new ReplayError(409, ReplayErrorCode.ReplayInProgress, `a replay job for this show is already queued or running (${jobId})`),
  notRetriable: (status: string) => new ReplayError(409, ReplayErrorCode.JobNotFailed, `only a failed job can be retried; this one is ${status}`),
  noSource: () => CommonErrors.validation('file', 'send a multipart `file` or a server `path`'),
  badPath: (why: string) => CommonErrors.validation('path', `path: ${why}`),
};
