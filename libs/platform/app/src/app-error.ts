import { HttpException } from '@nestjs/common';

/** The body of every error answer: `{ code, message, field?, correlationId }`. */
export interface ErrorBody {
  code: string;
  message: string;
  field?: string;
  correlationId?: string;
}

/**
 * Base of each feature's exception type: an HTTP status, a machine-readable code and the
 * field at fault where there is one.
 */
export class AppError extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super({ code, message, ...(field ? { field } : {}) }, status);
  }
}

export const CommonErrors = {
  validation: (field: string, message: string) => new AppError(400, 'VALIDATION_FAILED', message, field),
  unauthorized: (message = 'a valid bearer token is required') => new AppError(401, 'UNAUTHORIZED', message, 'authorization'),
  forbidden: (message = 'not allowed for this role') => new AppError(403, 'FORBIDDEN', message),
  notFound: (what: string, field?: string) => new AppError(404, 'NOT_FOUND', `${what} not found`, field),
} as const;
