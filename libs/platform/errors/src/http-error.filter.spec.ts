import type { ArgumentsHost, HttpServer } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { CommonErrors } from './app-error';
import { HttpErrorFilter } from './http-error.filter';
import { answerAck, isRedisUnavailable } from './unavailable';

/** Runs the filter over one exception and returns what it answered. */
function answer(exception: unknown): { status: number; body: Record<string, unknown>; headers: Record<string, string> } {
  const out = { status: 0, body: {} as Record<string, unknown>, headers: {} as Record<string, string> };
  const http = {
    isHeadersSent: () => false,
    setHeader: (_res: unknown, k: string, v: string) => (out.headers[k] = v),
    reply: (_res: unknown, body: Record<string, unknown>, status: number) => Object.assign(out, { body, status }),
  } as unknown as HttpServer;
  const host = { switchToHttp: () => ({ getResponse: () => ({}), getRequest: () => ({ headers: {} }) }) } as unknown as ArgumentsHost;
  new HttpErrorFilter(http).catch(exception, host);
  return out;
}

describe('HttpErrorFilter and a Redis that is away', () => {
  beforeAll(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
  afterAll(() => jest.restoreAllMocks());

  it.each([
    ['a closed connection', new Error('Connection is closed.')],
    ['retries per request used up', Object.assign(new Error('Reached the max retries per request limit (which is 2). Refer to "maxRetriesPerRequest" option for details.'), { name: 'MaxRetriesPerRequestError' })],
    ['an unwriteable stream', new Error("Stream isn't writeable and enableOfflineQueue options is false")],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' })],
    ['Redis still loading its data', new Error('LOADING Redis is loading the dataset in memory')],
  ])('answers %s as 503 UNAVAILABLE with Retry-After, not 500', (_name, err) => {
    const { status, body, headers } = answer(err);
    expect(status).toBe(503);
    expect(body).toMatchObject({ code: 'UNAVAILABLE' });
    expect(headers['Retry-After']).toBe('1');
  });

  it('answers what ioredis really throws when its server is gone as 503', async () => {
    // a port nothing listens on; no retries, no offline queue: the command fails at once
    const redis = new Redis({ port: 1, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
    redis.on('error', () => undefined);
    const err = await redis.get('x').catch((e: unknown) => e);
    redis.disconnect();
    expect(isRedisUnavailable(err)).toBe(true);
    expect(answer(err).status).toBe(503);
  });

  it('still answers a programming error 500 and a broker outage as before', () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    expect(answer(new TypeError("Cannot read properties of undefined (reading 'x')")).status).toBe(500);
    const broker = answer(CommonErrors.brokerUnavailable('chat'));
    expect(broker.status).toBe(503);
    expect(broker.body.code).toBe('BROKER_UNAVAILABLE');
  });
});

describe('answerAck', () => {
  it('acks a socket event whose handler hit a closed Redis with UNAVAILABLE, and a bug with INTERNAL', async () => {
    const errors: unknown[] = [];
    const acked = (work: Promise<unknown>) => new Promise((ack) => answerAck(work, ack, (e) => errors.push(e)));
    expect(await acked(Promise.reject(new Error('Connection is closed.')))).toEqual({ ok: false, code: 'UNAVAILABLE', message: expect.any(String) });
    expect(await acked(Promise.reject(new TypeError('boom')))).toEqual({ ok: false, code: 'INTERNAL', message: 'internal error' });
    expect(await acked(Promise.resolve({ ok: true }))).toEqual({ ok: true });
    expect(errors).toHaveLength(2);
  });
});
