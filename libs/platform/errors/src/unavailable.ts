import { AppError } from './app-error';

/** The code of a dependency (Redis) that is briefly away: nothing was kept, the client retries. */
export const UNAVAILABLE = 'UNAVAILABLE';

/**
 * ioredis' failures while its connection is down or being re-established: the command never
 * ran (or its answer never came), so the request is refused as 503, not answered 500.
 */
export function isRedisUnavailable(err: unknown): boolean {
  const e = err as { name?: string; code?: string; message?: string; cause?: unknown } | undefined;
  if (!e || typeof e !== 'object') return false;
  if (e instanceof AppError) return false;
  if (e.name === 'MaxRetriesPerRequestError' || e.name === 'ClusterAllFailedError') return true;
  if (e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET' || e.code === 'EPIPE') return true;
  const message = typeof e.message === 'string' ? e.message : '';
  if (/^(Connection is closed\.?|Stream isn't writeable and enableOfflineQueue options is false|None of startup nodes is available|Failed to refresh slots cache\.?)$/.test(message)) {
    return true;
  }
  if (/^(LOADING|MASTERDOWN|TRYAGAIN|CLUSTERDOWN) /.test(message)) return true;
  return e.cause !== undefined && e.cause !== err ? isRedisUnavailable(e.cause) : false;
}

/** The 503 answer of a dependency that is away, with a `Retry-After`. */
export function unavailableError(): AppError {
  return new AppError(503, UNAVAILABLE, 'briefly unavailable; try again', undefined, { 'Retry-After': '1' });
}

/** The socket acknowledgement of the same refusal. */
export function unavailableAck(): { ok: false; code: typeof UNAVAILABLE; message: string } {
  return { ok: false, code: UNAVAILABLE, message: 'briefly unavailable; try again' };
}

type FailedAck = { ok: false; code: string; message: string };

/**
 * Acknowledges a socket event with what its handler gave, or, when the handler failed, with
 * `{ ok: false, code }`: `UNAVAILABLE` while Redis is away, `INTERNAL` otherwise (logged).
 * The socket never waits on an ack that cannot come, and no rejection goes unhandled.
 */
export function answerAck<A>(work: Promise<A>, ack: ((a: A | FailedAck) => void) | undefined, onError: (err: unknown) => void): void {
  work.then(
    (a) => ack?.(a),
    (err: unknown) => {
      onError(err);
      ack?.(isRedisUnavailable(err) ? unavailableAck() : { ok: false, code: 'INTERNAL', message: 'internal error' });
    },
  );
}
