import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export const CORRELATION_HEADER = 'x-correlation-id';

const storage = new AsyncLocalStorage<{ correlationId: string; http?: boolean }>();

/** The id of the request or event being handled, if any. */
export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

/** `http`: bound for an HTTP request, whose own logger already names the id. */
export function runWithCorrelationId<T>(correlationId: string, fn: () => T, http = false): T {
  return storage.run({ correlationId, http }, fn);
}

/** The id to add to a log line: bound for work outside an HTTP request's own logger. */
export function correlationIdForLogs(): string | undefined {
  const store = storage.getStore();
  return store && !store.http ? store.correlationId : undefined;
}

const VALID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Takes a caller's id when it is sane, otherwise makes one. */
export function correlationIdFrom(value: unknown): string {
  const candidate = Array.isArray(value) ? value[0] : value;
  return typeof candidate === 'string' && VALID.test(candidate) ? candidate : randomUUID();
}
