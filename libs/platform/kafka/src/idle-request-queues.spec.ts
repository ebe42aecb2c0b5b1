import { createRequire } from 'node:module';
import { PATCHED_KAFKAJS_VERSION, quietIdleRequestQueues } from './idle-request-queues';

const require = createRequire(__filename);

interface Queue {
  pending: unknown[];
  inflight: Map<number, unknown>;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  maybeThrottle(ms: number): void;
  push(request: { entry: { correlationId: number; resolve: () => void; reject: () => void }; expectResponse: boolean; sendRequest: () => void }): void;
  fulfillRequest(response: { correlationId: number; payload: Buffer | null; size: number }): void;
  checkPendingRequests(): void;
  destroy(): void;
}

describe('quietIdleRequestQueues (kafkajs idle timer loop)', () => {
  const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  let queue: Queue;

  beforeAll(() => {
    expect(quietIdleRequestQueues()).toBe('applied');
  });

  beforeEach(() => {
    const RequestQueue = require('kafkajs/src/network/requestQueue') as new (opts: object) => Queue;
    queue = new RequestQueue({ maxInFlightRequests: 1, requestTimeout: 10_000, enforceRequestTimeout: false, clientId: 'test', broker: 'b:9092', logger });
  });

  afterEach(() => queue.destroy());

  it('is checked against the installed kafkajs (another release: read its request queue again, then update the version)', () => {
    expect((require('kafkajs/package.json') as { version: string }).version).toBe(PATCHED_KAFKAJS_VERSION);
  });

  it('arms no timer when nothing waits, after an answer or an explicit check', () => {
    const sent: number[] = [];
    queue.push({ entry: { correlationId: 1, resolve: () => undefined, reject: () => undefined }, expectResponse: true, sendRequest: () => sent.push(1) });
    expect(sent).toEqual([1]);
    queue.fulfillRequest({ correlationId: 1, payload: null, size: 0 });
    expect(queue.throttleCheckTimeoutId).toBeNull();
    queue.checkPendingRequests();
    expect(queue.throttleCheckTimeoutId).toBeNull();
  });

  it('still sends a request that waited for room, once the one in flight is answered', () => {
    const sent: number[] = [];
    const push = (id: number) => queue.push({ entry: { correlationId: id, resolve: () => undefined, reject: () => undefined }, expectResponse: true, sendRequest: () => sent.push(id) });
    push(1);
    push(2); // one in flight at most: it waits
    expect(sent).toEqual([1]);
    expect(queue.pending).toHaveLength(1);
    queue.fulfillRequest({ correlationId: 1, payload: null, size: 0 });
    expect(sent).toEqual([1, 2]);
  });

  it('still sends a request held by the broker throttling, when the throttle ends', async () => {
    const sent: number[] = [];
    queue.maybeThrottle(30);
    queue.push({ entry: { correlationId: 1, resolve: () => undefined, reject: () => undefined }, expectResponse: true, sendRequest: () => sent.push(1) });
    expect(sent).toEqual([]);
    expect(queue.throttleCheckTimeoutId).not.toBeNull();
    const deadline = Date.now() + 5_000;
    while (sent.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(sent).toEqual([1]);
    expect(queue.throttleCheckTimeoutId).toBeNull();
  });
});
