import type { ChatLine, JoinSnapshot, Overlay } from '@live/contracts';
import { Emitter } from '@socket.io/component-emitter';
import type { Socket } from 'socket.io-client';
import { ViewerApiError, ViewerClient, compareSeq } from './viewer-client';

/** A socket.io client stand-in: the test plays the gateway. */
class FakeSocket extends Emitter<any, any> {
  connected = false;
  joins: any[] = [];
  sent: Array<[string, unknown]> = [];
  joinAnswer: (req: any) => unknown = (req) => ({ ok: true, snapshot: snapshot(req.broadcastId) });
  /** what another acked event answers (burst-api's hearts.batch); a throw is a missing ack */
  ackAnswer: (event: string, data: any) => unknown = () => ({ ok: true });
  acked: Array<[string, any]> = [];

  override emit(event: any, data?: unknown): this {
    this.sent.push([event, data]);
    return this;
  }
  timeout() {
    return {
      emitWithAck: async (event: string, data: any) => {
        if (event === 'join') return this.joins.push(data), this.joinAnswer(data);
        this.acked.push([event, data]);
        return this.ackAnswer(event, data);
      },
    };
  }
  close() {
    this.connected = false;
  }
  /** the server side: connect, push an event, drop the connection */
  up() {
    this.connected = true;
    super.emit('connect');
  }
  down() {
    this.connected = false;
    super.emit('disconnect', 'transport close');
  }
  push(event: string, data: unknown) {
    super.emit(event, data);
  }
}

/**
 * burst-api's plain websocket, played by the test: each frame `{ id, event, data }` is answered
 * `{ id, ...ackAnswer(event, data) }`; an ackAnswer that throws drops the connection unanswered.
 */
class FakeWebSocket {
  onopen: ((e: unknown) => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  opened: Array<{ url: string; protocols: string[] }> = [];
  ackAnswer: (event: string, data: any) => unknown = () => ({ ok: true });
  acked: Array<[string, any]> = [];

  send(raw: string) {
    const { id, event, data } = JSON.parse(raw);
    this.acked.push([event, data]);
    let ack: unknown;
    try {
      ack = this.ackAnswer(event, data);
    } catch {
      return void queueMicrotask(() => this.onclose?.({ code: 1006 }));
    }
    queueMicrotask(() => this.onmessage?.({ data: JSON.stringify({ id, ...(ack as object) }) }));
  }
  close() {
    // the client's own close: no events
  }
  up() {
    this.onopen?.({});
  }
}

const line = (n: number, over: Partial<ChatLine> = {}): ChatLine => ({
  seq: `1700000000000-${n}`,
  messageId: `m-${n}`,
  userId: 'u',
  userName: 'U',
  roles: ['viewer'],
  text: `line ${n}`,
  acceptedAt: new Date(0).toISOString(),
  ...over,
});

const pin: Overlay = { key: 'pin', kind: 'product', id: 'p1', data: { name: 'Mug' }, expiresAt: null, shownAt: new Date(0).toISOString() };

function snapshot(broadcastId: string, over: Partial<JoinSnapshot> = {}): JoinSnapshot {
  return { broadcastId, status: 'live', overlays: [pin], recentChat: [line(1), line(2)], serverTime: new Date(0).toISOString(), ...over };
}

function setup(options: Partial<ConstructorParameters<typeof ViewerClient>[0]> = {}) {
  const socket = new FakeSocket();
  const burstSocket = new FakeWebSocket();
  const calls: Array<{ url: string; body: any }> = [];
  let answer: (url: string, body: any) => Response | Promise<Response> = () => json(200, { batchId: 'x', accepted: 1, total: 1 });
  let ids = 0;
  const client = new ViewerClient({
    gatewayUrl: 'http://gw',
    messageApiUrl: 'http://msg',
    burstApiUrl: 'http://burst',
    token: 'jwt',
    socketFactory: () => socket as unknown as Socket,
    webSocketFactory: (url, protocols) => (burstSocket.opened.push({ url, protocols }), burstSocket),
    fetch: (async (url: string, init: RequestInit = {}) => {
      // the heart total read once after a join
      if ((init.method ?? 'GET') === 'GET') return json(200, { total: 7, top: [] });
      const body = init.body ? JSON.parse(String(init.body)) : undefined;
      calls.push({ url, body });
      return answer(url, body);
    }) as typeof fetch,
    newId: () => `id-${++ids}`,
    maxRetries: 3,
    ...options,
  });
  return { socket, burstSocket, client, calls, respond: (fn: typeof answer) => (answer = fn) };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

async function joined(s: ReturnType<typeof setup>, id = 'show-1') {
  const p = s.client.join(id);
  s.socket.up();
  return p;
}

describe('ViewerClient', () => {
  it('joins with the snapshot: status, overlays by key, recent chat', async () => {
    const s = setup();
    await joined(s);
    const st = s.client.getState();
    expect(st.status).toBe('live');
    expect(st.overlays.pin.id).toBe('p1');
    expect(st.chat.map((l) => l.messageId)).toEqual(['m-1', 'm-2']);
    expect(st.connection).toBe('connected');
    // the join snapshot has no counters: the heart total is read once
    await new Promise((r) => setImmediate(r));
    expect(s.client.getState().hearts).toBe(7);
  });

  it('close() while connecting ends the wait, and a later join opens a new socket (StrictMode remounts)', async () => {
    const sockets: FakeSocket[] = [];
    const s = setup({ socketFactory: () => (sockets.push(new FakeSocket()), sockets[sockets.length - 1]) as unknown as Socket });
    const first = s.client.join('show-1');
    await s.client.close();
    await expect(first).rejects.toMatchObject({ code: 'CLOSED' });
    const second = s.client.join('show-1');
    expect(sockets).toHaveLength(2);
    sockets[0].up(); // the old socket's events no longer reach the client
    sockets[1].up();
    await second;
    expect(s.client.getState()).toMatchObject({ connection: 'connected', status: 'live' });
    sockets[0].down();
    expect(s.client.getState().connection).toBe('connected');
  });

  it('refuses a join with the gateway code', async () => {
    const s = setup();
    s.socket.joinAnswer = () => ({ ok: false, code: 'NOT_FOUND', message: 'no such show', field: 'broadcastId' });
    await expect(joined(s)).rejects.toMatchObject({ code: 'NOT_FOUND', field: 'broadcastId' });
  });

  it('applies live events: chat with suppressed counts, deletions, overlays, counters', async () => {
    const s = setup();
    await joined(s);
    s.socket.push('chat.batch', { broadcastId: 'show-1', lines: [line(3)], suppressed: 7 });
    s.socket.push('chat.deleted', { broadcastId: 'show-1', messageId: 'm-2' });
    s.socket.push('overlay.hide', { key: 'pin' });
    s.socket.push('overlay.show', { ...pin, key: 'coupon:c1', kind: 'coupon', id: 'c1' });
    s.socket.push('hearts.count', { broadcastId: 'show-1', total: 42 });
    s.socket.push('viewers.count', { broadcastId: 'show-1', count: 9 });
    s.socket.push('coupon.stock', { broadcastId: 'show-1', couponId: 'c1', remaining: 3 });
    s.socket.push('poll.tally', { broadcastId: 'show-1', pollId: 'p', votes: [1, 2] });
    s.socket.push('hearts.count', { broadcastId: 'another-show', total: 1000 });
    const st = s.client.getState();
    expect(st.chat.map((l) => l.messageId)).toEqual(['m-1', 'm-3']);
    expect(st.suppressed).toBe(7);
    expect(Object.keys(st.overlays)).toEqual(['coupon:c1']);
    expect(st.hearts).toBe(42);
    expect(st.viewers).toBe(9);
    expect(st.couponStock).toEqual({ c1: 3 });
    expect(st.pollTallies).toEqual({ p: [1, 2] });
  });

  it('after a reconnect joins with lastSeq and dedupes lines by messageId', async () => {
    const s = setup();
    await joined(s);
    s.socket.push('chat.batch', { broadcastId: 'show-1', lines: [line(3)], suppressed: 0 });
    const resync = jest.fn();
    s.client.on('resync', resync);
    s.socket.joinAnswer = (req) => ({ ok: true, snapshot: snapshot(req.broadcastId, { recentChat: [line(2), line(3), line(4)] }), missed: { lines: [line(4), line(5)], complete: true } });
    s.socket.down();
    expect(s.client.getState().connection).toBe('reconnecting');
    s.socket.up();
    await new Promise((r) => setImmediate(r));
    expect(s.socket.joins[1]).toEqual({ broadcastId: 'show-1', lastSeq: '1700000000000-3' });
    // a line already shown and also in the batch after the rejoin: still once
    s.socket.push('chat.batch', { broadcastId: 'show-1', lines: [line(5), line(6)], suppressed: 0 });
    expect(s.client.getState().chat.map((l) => l.messageId)).toEqual(['m-1', 'm-2', 'm-3', 'm-4', 'm-5', 'm-6']);
    expect(resync).toHaveBeenCalledWith(2, true);
  });

  it('a deleted line does not come back with a resync', async () => {
    const s = setup();
    await joined(s);
    s.socket.push('chat.deleted', { broadcastId: 'show-1', messageId: 'm-7' });
    s.socket.push('chat.batch', { broadcastId: 'show-1', lines: [line(7)], suppressed: 0 });
    expect(s.client.getState().chat.map((l) => l.messageId)).toEqual(['m-1', 'm-2']);
  });

  it('posts chat with a clientMessageId and retries a 503 with the same one', async () => {
    const s = setup();
    await joined(s);
    let n = 0;
    s.respond(() => (++n === 1 ? json(503, { code: 'BROKER_UNAVAILABLE', message: 'retry' }) : json(202, { messageId: 'mid', acceptedAt: 'now' })));
    const r = await s.client.sendChat('hello');
    expect(r.messageId).toBe('mid');
    expect(s.calls.map((c) => c.url)).toEqual(['http://msg/v1/broadcasts/show-1/messages', 'http://msg/v1/broadcasts/show-1/messages']);
    expect(s.calls[0].body.clientMessageId).toBe(s.calls[1].body.clientMessageId);
  });

  it('surfaces a refusal with its code and message (banned)', async () => {
    const s = setup();
    await joined(s);
    s.respond(() => json(403, { code: 'BANNED', message: 'you are banned from this chat' }));
    await expect(s.client.sendChat('hi')).rejects.toEqual(new ViewerApiError(403, 'BANNED', 'you are banned from this chat'));
  });

  it('an anonymous viewer cannot post', async () => {
    const s = setup({ token: null });
    await joined(s);
    await expect(s.client.sendChat('hi')).rejects.toMatchObject({ code: 'SIGN_IN_REQUIRED' });
  });

  describe('hearts', () => {
    beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate', 'queueMicrotask', 'nextTick'] }));
    afterEach(() => jest.useRealTimers());

    it('sends one batch per window, retried with the same batch id', async () => {
      let t = 0;
      const s = setup({ heartWindowMs: 1000, videoPositionMs: () => (t += 10) });
      await joined(s);
      let n = 0;
      s.respond((_u, body) => (++n === 1 ? json(503, { code: 'X', message: 'down' }) : json(200, { batchId: body.batchId, accepted: body.taps.length, total: 12 })));
      for (let i = 0; i < 5; i++) s.client.tapHeart();
      expect(s.calls).toHaveLength(0);
      expect(s.client.getState().pendingHearts).toBe(5);
      await jest.advanceTimersByTimeAsync(1000);
      await jest.advanceTimersByTimeAsync(5000); // the retry's back-off
      expect(s.calls).toHaveLength(2);
      expect(s.calls[0].body).toEqual({ batchId: 'id-1', taps: [10, 20, 30, 40, 50] });
      expect(s.calls[1].body).toEqual(s.calls[0].body);
      expect(s.client.getState().hearts).toBe(12);
      expect(s.client.getState().pendingHearts).toBe(0);
    });

    it('keeps a fast tapper under the server plausibility rule without losing taps', async () => {
      const s = setup({ heartWindowMs: 1000, videoPositionMs: () => 5000 });
      await joined(s);
      let total = 0;
      s.respond((_u, body) => json(200, { batchId: body.batchId, accepted: body.taps.length, total: (total += body.taps.length) }));
      for (let i = 0; i < 50; i++) s.client.tapHeart();
      await jest.advanceTimersByTimeAsync(10_000);
      expect(s.calls.map((c) => c.body.taps.length)).toEqual([15, 15, 15, 5]);
      expect(new Set(s.calls.map((c) => c.body.batchId)).size).toBe(4);
      expect(total).toBe(50);
    });

    it("sends batches over burst-api's websocket when it is up, and over HTTP with the same id when it drops before the ack", async () => {
      let t = 0;
      const s = setup({ heartWindowMs: 1000, videoPositionMs: () => (t += 10) });
      await joined(s);
      expect(s.burstSocket.opened).toEqual([{ url: 'ws://burst/v1/ws', protocols: ['burst.v1', 'jwt'] }]);
      s.burstSocket.up();
      s.burstSocket.ackAnswer = (_e, data) => ({ ok: true, batchId: data.batchId, accepted: data.taps.length, total: 30 });
      s.respond((_u, body) => json(200, { batchId: body.batchId, accepted: body.taps.length, total: 33 }));
      for (let i = 0; i < 3; i++) s.client.tapHeart();
      await jest.advanceTimersByTimeAsync(1000);
      expect(s.burstSocket.acked).toEqual([['hearts.batch', { broadcastId: 'show-1', batchId: 'id-1', taps: [10, 20, 30] }]]);
      expect(s.calls).toHaveLength(0);
      expect(s.client.getState().hearts).toBe(30);

      s.burstSocket.ackAnswer = () => {
        throw new Error('operation has timed out');
      };
      s.client.tapHeart();
      await jest.advanceTimersByTimeAsync(1000);
      expect(s.burstSocket.acked.map(([, d]) => d.batchId)).toEqual(['id-1', 'id-2']);
      expect(s.calls.map((c) => c.body)).toEqual([{ batchId: 'id-2', taps: [40] }]);
      expect(s.client.getState().hearts).toBe(33);
    });

    it('votes over the socket when it is up, mapping its refusals as HTTP ones', async () => {
      const s = setup();
      await joined(s);
      s.burstSocket.up();
      s.burstSocket.ackAnswer = () => ({ ok: true, voteId: 'v-1' });
      expect(await s.client.vote('poll-1', 2)).toEqual({ result: 'voted', voteId: 'v-1' });
      expect(s.burstSocket.acked).toEqual([['poll.vote', { broadcastId: 'show-1', pollId: 'poll-1', option: 2 }]]);
      s.burstSocket.ackAnswer = () => ({ ok: false, code: 'ALREADY_VOTED', message: 'once' });
      expect(await s.client.vote('poll-1', 1)).toEqual({ result: 'already_voted', message: 'once' });
      expect(s.calls).toHaveLength(0);
    });

    it('claims over the socket when it is up, maps its refusals, and over HTTP when its ack does not come', async () => {
      const s = setup();
      await joined(s);
      s.burstSocket.up();
      s.burstSocket.ackAnswer = () => ({ ok: true, claimId: 'cl-1', remaining: 7 });
      expect(await s.client.claimCoupon('c1')).toEqual({ result: 'won', claimId: 'cl-1', remaining: 7 });
      expect(s.burstSocket.acked).toEqual([['coupon.claim', { broadcastId: 'show-1', couponId: 'c1' }]]);
      expect(s.client.getState().couponStock).toMatchObject({ c1: 7 });
      s.burstSocket.ackAnswer = () => ({ ok: false, code: 'SOLD_OUT', message: 'gone', field: 'couponId' });
      expect(await s.client.claimCoupon('c2')).toEqual({ result: 'sold_out', message: 'gone' });
      s.burstSocket.ackAnswer = () => ({ ok: false, code: 'RATE_LIMITED', message: 'slow down', retryAfter: 3 });
      await expect(s.client.claimCoupon('c3')).rejects.toMatchObject({ status: 429, code: 'RATE_LIMITED' });
      expect(s.calls).toHaveLength(0);
      s.burstSocket.ackAnswer = () => {
        throw new Error('operation has timed out');
      };
      s.respond(() => json(201, { claimId: 'cl-4', remaining: 2 }));
      expect(await s.client.claimCoupon('c4')).toEqual({ result: 'won', claimId: 'cl-4', remaining: 2 });
      expect(s.calls).toHaveLength(1);
    });

    it('reports a refusal acked over the socket as over HTTP', async () => {
      const s = setup({ heartWindowMs: 1000 });
      await joined(s);
      s.burstSocket.up();
      s.burstSocket.ackAnswer = () => ({ ok: false, code: 'RATE_LIMITED', message: 'slow down', field: 'taps', retryAfter: 3 });
      const refused = jest.fn();
      s.client.on('hearts.refused', refused);
      s.client.tapHeart();
      await jest.advanceTimersByTimeAsync(1000);
      expect(refused).toHaveBeenCalledWith(expect.objectContaining({ taps: [0] }), expect.objectContaining({ status: 429, code: 'RATE_LIMITED' }));
      expect(s.calls).toHaveLength(0);
    });

    it('drops a refused batch and says so', async () => {
      const s = setup({ heartWindowMs: 1000 });
      await joined(s);
      s.respond(() => json(400, { code: 'IMPLAUSIBLE_TAPS', message: 'no', field: 'taps' }));
      const refused = jest.fn();
      s.client.on('hearts.refused', refused);
      s.client.tapHeart();
      await jest.advanceTimersByTimeAsync(1000);
      expect(refused).toHaveBeenCalledWith(expect.objectContaining({ taps: [0] }), expect.objectContaining({ code: 'IMPLAUSIBLE_TAPS' }));
      expect(s.client.getState().pendingHearts).toBe(0);
    });
  });

  it('maps claim answers: won, sold out, already claimed', async () => {
    const s = setup();
    await joined(s);
    s.respond(() => json(201, { claimId: 'cl', remaining: 4 }));
    expect(await s.client.claimCoupon('c1')).toEqual({ result: 'won', claimId: 'cl', remaining: 4 });
    s.respond(() => json(410, { code: 'SOLD_OUT', message: 'sold out' }));
    expect(await s.client.claimCoupon('c1')).toMatchObject({ result: 'sold_out' });
    expect(s.client.getState().couponStock.c1).toBe(0);
    s.respond(() => json(409, { code: 'ALREADY_CLAIMED', message: 'you have it' }));
    expect(await s.client.claimCoupon('c1')).toMatchObject({ result: 'already_claimed' });
  });

  it('retries a claim while a just-exposed coupon is on screen but burst-api has not heard of it', async () => {
    const s = setup();
    await joined(s);
    s.socket.push('overlay.show', { ...pin, key: 'coupon:c9', kind: 'coupon', id: 'c9' });
    let n = 0;
    s.respond(() => (++n < 3 ? json(409, { code: 'NOT_EXPOSED', message: 'not on offer' }) : json(201, { claimId: 'cl', remaining: 0 })));
    expect(await s.client.claimCoupon('c9')).toEqual({ result: 'won', claimId: 'cl', remaining: 0 });
    expect(n).toBe(3);
    // a coupon not on screen: NOT_EXPOSED is the answer at once
    n = 0;
    s.respond(() => (++n, json(409, { code: 'NOT_EXPOSED', message: 'not on offer' })));
    expect(await s.client.claimCoupon('other')).toMatchObject({ result: 'not_exposed' });
    expect(n).toBe(1);
  });

  it('staff watch the scoreboard: stats.join once joined, again after a reconnect', async () => {
    const s = setup();
    await joined(s);
    const ticks: unknown[] = [];
    s.client.on('stats.tick', (t) => ticks.push(t));
    const acks: string[] = [];
    const original = s.socket.timeout.bind(s.socket);
    s.socket.timeout = () => ({
      emitWithAck: async (event: string, data: any) => {
        acks.push(event);
        return original().emitWithAck(event, data);
      },
    });
    await s.client.watchStats();
    s.socket.push('stats.tick', { broadcastId: 'show-1', totals: { hearts: 3 } });
    s.socket.push('stats.tick', { broadcastId: 'another', totals: { hearts: 9 } });
    expect(ticks).toHaveLength(1);
    s.socket.down();
    s.socket.up();
    await new Promise((r) => setImmediate(r));
    expect(acks).toEqual(['stats.join', 'join', 'stats.join']);
  });

  it('votes, and tells an already cast vote apart', async () => {
    const s = setup();
    await joined(s);
    s.respond((_u, body) => json(201, { voteId: `v-${body.option}` }));
    expect(await s.client.vote('p1', 1)).toEqual({ result: 'voted', voteId: 'v-1' });
    expect(s.calls[0].url).toBe('http://burst/v1/broadcasts/show-1/polls/p1/votes');
    s.respond(() => json(409, { code: 'ALREADY_VOTED', message: 'once' }));
    expect(await s.client.vote('p1', 0)).toMatchObject({ result: 'already_voted' });
  });

  it('takes overlays from timed metadata instead of the socket when asked', async () => {
    const s = setup();
    await joined(s);
    s.client.setTimedMetadataOverlays(true);
    s.socket.push('overlay.hide', { key: 'pin' });
    expect(s.client.getState().overlays.pin).toBeDefined();
    s.client.applyCue({ broadcastId: 'show-1', action: 'hide', key: 'pin', overlay: null });
    expect(s.client.getState().overlays.pin).toBeUndefined();
  });

  it('hides overlays past expiresAt', async () => {
    const s = setup();
    await joined(s);
    s.socket.push('overlay.show', { ...pin, key: 'notice:n', kind: 'notice', id: 'n', expiresAt: new Date(1000).toISOString() });
    s.client.expireOverlays(2000);
    expect(Object.keys(s.client.getState().overlays)).toEqual(['pin']);
  });
});

describe('compareSeq', () => {
  it('orders stream ids numerically', () => {
    expect(compareSeq('9-1', '10-0')).toBe(-1);
    expect(compareSeq('10-2', '10-10')).toBe(-1);
    expect(compareSeq('10-2', '10-2')).toBe(0);
  });
});
