import { Logger } from '@nestjs/common';
import { AppError, CommonErrorCode } from '@live/errors';
import { z } from 'zod';

/** A refusal as a socket ack: the HTTP answer's code, message and field, `retryAfter` (s) where HTTP sends Retry-After. */
export type Refusal = { ok: false; code: string; message: string; field?: string; retryAfter?: number };

export function refusal(err: unknown, logger: Logger, what: string): Refusal {
  if (err instanceof AppError) {
    const after = Number(err.headers['Retry-After']);
    return { ok: false, code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}), ...(after > 0 ? { retryAfter: after } : {}) };
  }
  logger.error(`${what} failed: ${err instanceof Error ? err.stack : String(err)}`);
  return { ok: false, code: 'UNAVAILABLE', message: 'could not do it now; send it again', retryAfter: 1 };
}

/** The first zod issue as a VALIDATION_FAILED ack, named as ZodPipe names it over HTTP. */
export function invalid(error: z.ZodError): Refusal {
  const issue = error.issues[0];
  const field = issue.code === 'unrecognized_keys' ? issue.keys[0] : issue.path.join('.');
  return { ok: false, code: CommonErrorCode.ValidationFailed, message: `${field}: ${issue.message}`, field };
}

/** As `invalid`, for the route params `{ id, ... }` a socket message names `broadcastId`. */
export function invalidParams(error: z.ZodError): Refusal {
  const r = invalid(error);
  return r.field === 'id' ? { ...r, field: 'broadcastId', message: r.message.replace(/^id:/, 'broadcastId:') } : r;
}

/** The token's `exp` has passed since the socket connected: refused, and the socket closed. */
export function expired(): Refusal {
  return { ok: false, code: CommonErrorCode.Unauthorized, message: 'the token has expired; reconnect with a new one' };
}

/**
 * The acknowledgement of a socket.io event: its last argument, when that is a function. A
 * client may send more arguments than the event takes; the callback is still the last one, so
 * taking the second argument would leave such a client waiting for an answer that never comes.
 */
export function ackOf(args: unknown[]): unknown {
  const last = args[args.length - 1];
  return typeof last === 'function' ? last : undefined;
}
