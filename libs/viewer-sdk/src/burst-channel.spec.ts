import * as contracts from '@live/contracts';
import { BURST_WS_PATH, BURST_WS_PROTOCOL, BurstChannel, BurstChannelError, burstWebSocketUrl, type WebSocketLike } from './burst-channel';

/** One connection attempt, played by the test as burst-api. */
class Conn implements WebSocketLike {
  onopen: ((e: unknown) => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  frames: Array<{ id: string; event: string; data: any }> = [];
  closedWith: number | null = null;
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {}
  send(raw: string) {
    this.frames.push(JSON.parse(raw));
  }
  close(code?: number) {
    this.closedWith = code ?? 1005;
  }
  answer(frame: object) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
}

function channel(over: Partial<ConstructorParameters<typeof BurstChannel>[0]> = {}) {
  const conns: Conn[] = [];
  const ch = new BurstChannel({
    burstApiUrl: 'https://burst.example.com/',
    token: 'jwt.abc.def',
    webSocketFactory: (url, protocols) => (conns.push(new Conn(url, protocols)), conns[conns.length - 1]),
    random: () => 1, // no jitter: delays are exact
    ...over,
  });
  return { ch, conns, last: () => conns[conns.length - 1] };
}

describe('BurstChannel (burst-api /v1/ws)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it("uses the contracts' path and subprotocol, with the token as the second subprotocol", () => {
    expect(BURST_WS_PATH).toBe(contracts.BURST_WS_PATH);
    expect(BURST_WS_PROTOCOL).toBe(contracts.BURST_WS_PROTOCOL);
    expect(burstWebSocketUrl('http://127.0.0.1:3003')).toBe('ws://127.0.0.1:3003/v1/ws');
    expect(burstWebSocketUrl('https://edge.example.com/burst/')).toBe('wss://edge.example.com/burst/v1/ws');
    const { last } = channel();
    expect(last().url).toBe('wss://burst.example.com/v1/ws');
    expect(last().protocols).toEqual(['burst.v1', 'jwt.abc.def']);
  });

  it('matches answers to requests by id, in whatever order they come, and ignores frames that are not answers', async () => {
    const { ch, last } = channel();
    await expect(ch.request('hearts.batch', {}, 1000)).rejects.toEqual(new BurstChannelError('not_connected'));
    last().onopen?.({});
    expect(ch.connected).toBe(true);
    const a = ch.request('hearts.batch', { batchId: 'a' }, 1000);
    const b = ch.request('coupon.claim', { couponId: 'c' }, 1000);
    const [fa, fb] = last().frames;
    expect(fa).toEqual({ id: expect.any(String), event: 'hearts.batch', data: { batchId: 'a' } });
    expect(fb.event).toBe('coupon.claim');
    expect(fa.id).not.toBe(fb.id);
    last().onmessage?.({ data: 'not json' });
    last().answer({ id: null, ok: false, code: 'VALIDATION_FAILED', field: 'id' });
    last().answer({ id: fb.id, ok: false, code: 'SOLD_OUT', message: 'gone' });
    last().answer({ id: fa.id, ok: true, batchId: 'a', accepted: 3, total: 9 });
    await expect(b).resolves.toEqual({ ok: false, code: 'SOLD_OUT', message: 'gone' });
    await expect(a).resolves.toEqual({ ok: true, batchId: 'a', accepted: 3, total: 9 });
  });

  it('rejects a request whose answer does not come in time, and ignores the late answer', async () => {
    const { ch, last } = channel();
    last().onopen?.({});
    const p = ch.request('poll.vote', {}, 500);
    const rejected = expect(p).rejects.toEqual(new BurstChannelError('timeout'));
    await jest.advanceTimersByTimeAsync(500);
    await rejected;
    last().answer({ id: last().frames[0].id, ok: true, voteId: 'v' });
    expect(ch.connected).toBe(true);
  });

  it('rejects what waits on a dropped connection at once, and reconnects with a doubling delay up to the cap', async () => {
    const { ch, conns, last } = channel({ reconnectDelayMs: 100, reconnectDelayMaxMs: 300 });
    last().onopen?.({});
    const p = ch.request('hearts.batch', {}, 60_000);
    last().onclose?.({ code: 1006 });
    await expect(p).rejects.toEqual(new BurstChannelError('closed'));
    expect(ch.connected).toBe(false);
    // failed attempts: 100, 200, 300, 300 ms apart
    for (const wait of [100, 200, 300, 300]) {
      const before = conns.length;
      await jest.advanceTimersByTimeAsync(wait - 1);
      expect(conns).toHaveLength(before);
      await jest.advanceTimersByTimeAsync(1);
      expect(conns).toHaveLength(before + 1);
      last().onclose?.({ code: 1006 });
    }
    await jest.advanceTimersByTimeAsync(300);
    last().onopen?.({});
    expect(ch.connected).toBe(true);
    // a success resets the delay
    last().onclose?.({ code: 1006 });
    const before = conns.length;
    await jest.advanceTimersByTimeAsync(100);
    expect(conns).toHaveLength(before + 1);
  });

  it('stops when burst-api says the token expired (4001), and for good after close()', async () => {
    const expired = channel();
    expired.last().onopen?.({});
    expired.last().onclose?.({ code: 4001 });
    await jest.advanceTimersByTimeAsync(60_000);
    expect(expired.conns).toHaveLength(1);

    const closed = channel();
    closed.last().onopen?.({});
    const p = closed.ch.request('hearts.batch', {}, 60_000);
    closed.ch.close();
    await expect(p).rejects.toEqual(new BurstChannelError('closed'));
    expect(closed.conns[0].closedWith).toBe(1000);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(closed.conns).toHaveLength(1);
    expect(closed.ch.connected).toBe(false);
  });

  it('without a WebSocket (Node 20, no factory) it never connects, so everything goes over HTTP', async () => {
    const saved = (globalThis as { WebSocket?: unknown }).WebSocket;
    delete (globalThis as { WebSocket?: unknown }).WebSocket;
    try {
      const ch = new BurstChannel({ burstApiUrl: 'http://burst', token: 't' });
      expect(ch.connected).toBe(false);
      await expect(ch.request('hearts.batch', {}, 1000)).rejects.toEqual(new BurstChannelError('not_connected'));
      ch.close();
    } finally {
      if (saved !== undefined) (globalThis as { WebSocket?: unknown }).WebSocket = saved;
    }
  });
});
