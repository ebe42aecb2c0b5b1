/** A failure that retrying cannot fix (bad data): the record goes to the dead-letter topic. */
export class NonRetriableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NonRetriableError';
  }
}

/** A dependency is down: keep retrying (never dead-letter) until it is back or we stop. */
export class TransientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientError';
  }
}

/** The broker did not take a publish within its bound. */
export class PublishTimeoutError extends Error {
  constructor(topic: string, ms: number) {
    super(`broker did not acknowledge ${topic} within ${ms} ms`);
    this.name = 'PublishTimeoutError';
  }
}

const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  '57P01', // postgres: admin shutdown
  '57P03', // postgres: cannot connect now
  '53300', // postgres: too many connections
  '08006', // postgres: connection failure
  '08001',
]);

/** Connection-level failures of Postgres, Redis or the network: worth waiting out. */
export function isTransient(err: unknown): boolean {
  if (err instanceof TransientError) return true;
  if (err instanceof NonRetriableError) return false;
  const e = err as { code?: string; name?: string; message?: string; cause?: unknown };
  if (e?.code && TRANSIENT_CODES.has(e.code)) return true;
  if (e?.name === 'MaxRetriesPerRequestError') return true;
  if (/Connection (is closed|terminated)|connect ECONNREFUSED|timeout exceeded when trying to connect/i.test(e?.message ?? '')) {
    return true;
  }
  return e?.cause !== undefined && e.cause !== err ? isTransient(e.cause) : false;
}

/**
 * `promise`, or `onTimeout()` once `ms` have passed without it settling. The bound counts only
 * after one more poll for I/O: in a busy process a timer fires late, and Node runs due timers
 * before it reads the sockets, so an answer that came in meanwhile (a broker's ack of a claim,
 * sitting in the socket while the process was busy) would lose to the timer: a claim in the log
 * refused BROKER_UNAVAILABLE and its coupon given back. The rejection waits for setImmediate,
 * which runs after the poll that delivers such an answer.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout;
  let afterPoll: NodeJS.Immediate | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      afterPoll = setImmediate(() => reject(onTimeout()));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
    if (afterPoll) clearImmediate(afterPoll);
  });
}
