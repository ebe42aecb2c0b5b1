import { HttpException } from '@nestjs/common';

/** The body of every error answer: `{ code, message, field?, correlationId }`. */
export interface ErrorBody {
  code: string;
  message: string;
  field?: string;
  correlationId?: string;
}

/**
 * Base of each feature's exception type: an HTTP status, a machine-readable code (from the
 * feature's code enum, `C`) and the field at fault where there is one.
 */
export class AppError<C extends string = string> extends HttpException {
  constructor(
    status: number,
    readonly code: C,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super({ code, message, ...(field ? { field } : {}) }, status);
  }
}

/** A feature's error codes: `const XErrorCode = { ... } as const` and this type of it. */
export type CodeOf<E extends Record<string, string>> = E[keyof E];

/** Codes every app answers with. */
export const CommonErrorCode = {
  ValidationFailed: 'VALIDATION_FAILED',
  Unauthorized: 'UNAUTHORIZED',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  BrokerUnavailable: 'BROKER_UNAVAILABLE',
} as const;
export type CommonErrorCode = CodeOf<typeof CommonErrorCode>;

export class CommonError extends AppError<CommonErrorCode> {}

export const CommonErrors = {
  validation: (field: string, message: string) => new CommonError(400, CommonErrorCode.ValidationFailed, message, field),
  unauthorized: (message = 'a valid bearer token is required') => new CommonError(401, CommonErrorCode.Unauthorized, message, 'authorization'),
  forbidden: (message = 'not allowed for this role') => new CommonError(403, CommonErrorCode.Forbidden, message),
  notFound: (what: string, field?: string) => new CommonError(404, CommonErrorCode.NotFound, `${what} not found`, field),
  /** the broker did not take a write in time: nothing was kept, the client retries */
  brokerUnavailable: (what: string) => new CommonError(503, CommonErrorCode.BrokerUnavailable, `${what} briefly unavailable; try again`, undefined, { 'Retry-After': '1' }),
} as const;
