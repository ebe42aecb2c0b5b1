import { randomUUID } from 'node:crypto';
import { BURST_WS_PATH, BURST_WS_PROTOCOL, redisKeys } from '@live/contracts';
import { signAccessToken } from '@live/auth';
import { AppProcess, testEnv, testRedis, tokenFor, useStack, waitFor } from '@live/testing';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { BurstStack } from './burst-stack';

type Ack = { id: unknown; ok: boolean; code?: string; field?: string; [k: string]: unknown };

/** A client of burst-api's plain websocket: `call(event, data)` resolves with the frame answering it. */
class WsClient {
  private next = 1;
  private readonly waiting = new Map<unknown, (a: Ack) => void>();
  /** answers that name no id (a frame the server could not read) */
  readonly unaddressed: Ack[] = [];
  closed?: { code: number; reason: string };

  constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const ack = JSON.parse(raw.toString()) as Ack;
      const done = this.waiting.get(ack.id);
      if (done) {
        this.waiting.delete(ack.id);
        done(ack);
      } else this.unaddressed.push(ack);
    });
    ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
  }

  call(event: string, data: unknown, id: number | string = this.next++): Promise<Ack> {
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.ws.send(JSON.stringify({ id, event, data }));
    });
  }
}

// burst-api's plain websocket (/v1/ws): the same handlers, checks, idempotency and exact count as
// its socket.io channel and HTTP; the token verified once at the upgrade (header or
// subprotocol); every frame it cannot read answered with the field at fault, never a crash.
describe('burst-api plain websocket channel', () => {
  const env = testEnv();
  const keys = redisKeys(env.redisPhase);
  const redis = testRedis();
  const { stack } = useStack(new BurstStack());
  const clients: WebSocket[] = [];
  afterAll(() => {
    clients.forEach((c) => c.terminate());
    redis.disconnect();
  });

  const wsUrl = (base = stack.burst.url) => `${base.replace(/^http/, 'ws')}${BURST_WS_PATH}`;

  /** Opens a connection (to `base`, the stack's burst-api by default); resolves with the client, or rejects with the refused upgrade's status and body. */
  function open(opts: { token?: string; via?: 'header' | 'protocol'; protocols?: string[]; base?: string } = {}): Promise<WsClient> {
    const { token, via = 'protocol' } = opts;
    const protocols = opts.protocols ?? (token && via === 'protocol' ? [BURST_WS_PROTOCOL, token] : [BURST_WS_PROTOCOL]);
    const ws = new WebSocket(wsUrl(opts.base), protocols, token && via === 'header' ? { headers: { authorization: `Bearer ${token}` } } : {});
    clients.push(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new WsClient(ws)));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () => reject({ status: res.statusCode, body: JSON.parse(body) }));
      });
      ws.once('error', (err) => reject(err));
    });
  }

  async function liveShow(): Promise<string> {
    const show = (await stack.seller.post('/v1/broadcasts', { title: 'ws channel', scheduledAt: new Date().toISOString() })).body.id as string;
    await stack.seller.post(`/v1/broadcasts/${show}/start`);
    await waitFor('show live in burst-api', async () => (await redis.get(keys.broadcast.status(show))) === 'live');
    return show;
  }

  it('refuses an upgrade without the subprotocol or a valid token, with the field at fault', async () => {
    await expect(open({ token: tokenFor('v', ['viewer']), via: 'header', protocols: [] })).rejects.toMatchObject({
      status: 400,
      body: { ok: false, code: 'VALIDATION_FAILED', field: 'Sec-WebSocket-Protocol' },
    });
    await expect(open()).rejects.toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED', field: 'token' } });
    await expect(open({ token: 'not.a.jwt' })).rejects.toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED' } });
    const forged = signAccessToken({ sub: 'v', name: 'v', roles: ['viewer'] }, 'another-secret-of-32-characters!!');
    await expect(open({ token: forged, via: 'header' })).rejects.toMatchObject({ status: 401 });
  });

  it('counts heart batches exactly once per batch id, whichever channel brings them', async () => {
    const show = await liveShow();
    let expected = 0;
    const answers: Promise<{ ok?: boolean; status?: number }>[] = [];
    for (let u = 0; u < 6; u++) {
      const user = `ws-${u}-${randomUUID().slice(0, 6)}`;
      const c = await open({ token: tokenFor(user, ['viewer']), via: u % 2 ? 'header' : 'protocol' });
      for (let b = 0; b < 4; b++) {
        const body = { batchId: `b-${b}`, taps: [100, 200, 300].slice(0, 1 + (b % 3)) };
        expected += body.taps.length;
        answers.push(c.call('hearts.batch', { broadcastId: show, ...body }), c.call('hearts.batch', { broadcastId: show, ...body }), stack.as(user).post(`/v1/broadcasts/${show}/hearts`, body));
      }
    }
    const results = await Promise.all(answers);
    expect(results.filter((r) => !(r.ok === true || r.status === 200))).toEqual([]);
    expect(Number(await redis.get(keys.broadcast.hearts(show)))).toBe(expected);

    // the answer names the message it answers, and carries what HTTP answers
    const c = await open({ token: tokenFor(`ws-one-${randomUUID()}`, ['viewer']) });
    expect(await c.call('hearts.batch', { broadcastId: show, batchId: 'x', taps: [400, 500] }, 'm-1')).toEqual({
      id: 'm-1',
      ok: true,
      batchId: 'x',
      accepted: 2,
      total: expected + 2,
    });

    // burst-api's own time per message (in to ack out) is on /metrics, per channel and event
    const metrics = await (await fetch(`${stack.burst.url}/metrics`)).text();
    const count = Number(/^burst_socket_message_seconds_count\{[^}]*channel="ws",event="hearts\.batch"[^}]*\} (\d+)/m.exec(metrics)?.[1]);
    expect(count).toBeGreaterThanOrEqual(6 * 4 * 2 + 1);
  });

  it('takes votes and claims with the same rules as the other channels', async () => {
    const show = await liveShow();
    const poll = (await stack.seller.post(`/v1/broadcasts/${show}/polls`, { question: 'Size?', options: ['S', 'M'] })).body.id as string;
    await stack.seller.post(`/v1/broadcasts/${show}/polls/${poll}/open`);
    const coupon = await stack.coupon(show, 1);
    await stack.seller.post(`/v1/broadcasts/${show}/coupons/${coupon}/expose`);
    await waitFor('coupon on offer in burst-api', async () => (await redis.hget(keys.coupon.state(show, coupon), 'exposed')) === '1');

    const user = `ws-voter-${randomUUID()}`;
    const c = await open({ token: tokenFor(user, ['viewer']) });
    const first = await waitFor('poll open in burst-api', async () => {
      const a = await c.call('poll.vote', { broadcastId: show, pollId: poll, option: 1 });
      return a.ok || a.code !== 'POLL_NOT_OPEN' ? a : undefined;
    });
    expect(first).toMatchObject({ ok: true, voteId: expect.any(String) });
    expect(await c.call('poll.vote', { broadcastId: show, pollId: poll, option: 0 })).toMatchObject({ ok: false, code: 'ALREADY_VOTED' });
    expect(await c.call('poll.vote', { broadcastId: show, pollId: poll, option: 7 })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', field: 'option' });

    expect(await c.call('coupon.claim', { broadcastId: show, couponId: coupon })).toMatchObject({ ok: true, claimId: expect.any(String), remaining: 0 });
    expect(await c.call('coupon.claim', { broadcastId: show, couponId: coupon })).toMatchObject({ ok: false, code: 'ALREADY_CLAIMED', field: 'couponId' });
    const other = await open({ token: tokenFor(`ws-late-${randomUUID()}`, ['viewer']), via: 'header' });
    expect(await other.call('coupon.claim', { broadcastId: show, couponId: coupon })).toMatchObject({ ok: false, code: 'SOLD_OUT' });
    expect(await other.call('coupon.claim', { broadcastId: 'not an id', couponId: coupon })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', field: 'broadcastId' });
  });

  it('answers every frame it cannot read with the field at fault, and keeps serving', async () => {
    const show = await liveShow();
    const c = await open({ token: tokenFor(`ws-bad-${randomUUID()}`, ['viewer']) });
    const nextUnaddressed = async (send: () => void) => {
      const before = c.unaddressed.length;
      send();
      return waitFor('an answer without an id', () => c.unaddressed[before]);
    };
    expect(await nextUnaddressed(() => c.ws.send('{not json'))).toMatchObject({ id: null, ok: false, code: 'VALIDATION_FAILED', field: 'message' });
    expect(await nextUnaddressed(() => c.ws.send(Buffer.from([1, 2, 3])))).toMatchObject({ id: null, ok: false, field: 'message' });
    expect(await nextUnaddressed(() => c.ws.send('[1,2]'))).toMatchObject({ id: null, ok: false, field: 'message' });
    expect(await nextUnaddressed(() => c.ws.send(JSON.stringify({ event: 'hearts.batch', data: {} })))).toMatchObject({ id: null, ok: false, field: 'id' });
    expect(await nextUnaddressed(() => c.ws.send(JSON.stringify({ id: { $gt: 1 }, event: 'hearts.batch' })))).toMatchObject({ id: null, field: 'id' });
    expect(await c.call('__proto__', {})).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', field: 'event' });
    expect(await c.call('hearts.batch', null)).toMatchObject({ ok: false, field: 'broadcastId' });
    expect(await c.call('hearts.batch', { broadcastId: show, batchId: 'a', taps: [] })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', field: 'taps' });
    expect(await c.call('hearts.batch', { broadcastId: show, batchId: 'a', taps: ['1'] })).toMatchObject({ ok: false, field: expect.stringMatching(/^taps/) });
    expect(await c.call('hearts.batch', { broadcastId: randomUUID(), batchId: 'a', taps: [1] })).toMatchObject({ ok: false, code: 'NOT_FOUND' });

    // a frame over the size limit closes that connection (1009); the server serves the next one
    const big = await open({ token: tokenFor(`ws-big-${randomUUID()}`, ['viewer']) });
    big.ws.send(JSON.stringify({ id: 1, event: 'hearts.batch', data: { pad: 'x'.repeat(20_000) } }));
    expect(await waitFor('oversize frame closes the connection', () => big.closed)).toMatchObject({ code: 1009 });
    expect(await c.call('hearts.batch', { broadcastId: show, batchId: 'after', taps: [900] })).toMatchObject({ ok: true, accepted: 1 });
  });

  it('refuses messages once the token has expired, and closes the connection (4001)', async () => {
    const show = await liveShow();
    const token = signAccessToken({ sub: `ws-exp-${randomUUID()}`, name: 'exp', roles: ['viewer'] }, env.jwtSecret, 2);
    const c = await open({ token });
    expect(await c.call('hearts.batch', { broadcastId: show, batchId: 'early', taps: [100] })).toMatchObject({ ok: true });
    let n = 0;
    const refused = await waitFor(
      'a message after exp refused',
      async () => {
        const a = await c.call('hearts.batch', { broadcastId: show, batchId: `late-${n++}`, taps: [100] });
        return a.ok ? undefined : a;
      },
      { timeoutMs: 10_000, everyMs: 500 },
    );
    expect(refused).toMatchObject({ ok: false, code: 'UNAUTHORIZED' });
    expect(await waitFor('closed after the refusal', () => c.closed)).toMatchObject({ code: 4001 });
  });

  it('pings a connection that sends nothing, cuts one that does not answer, and leaves a sending one alone', async () => {
    // sweeps every 400 ms instead of 25 s
    const quick = await AppProcess.start('burst-api', { BURST_WS_PING_MS: '400' });
    const user = () => tokenFor(`lv-${randomUUID().slice(0, 8)}`, ['viewer']);
    let sending: NodeJS.Timeout | undefined;
    try {
      const answering = await open({ token: user(), base: quick.url });
      const talking = await open({ token: user(), base: quick.url });
      // a phone that vanished: its socket never answers a ping
      const silent = new WebSocket(wsUrl(quick.url), [BURST_WS_PROTOCOL, user()], { autoPong: false });
      clients.push(silent);
      await new Promise((resolve, reject) => silent.once('open', resolve).once('error', reject));
      const pings = { answering: 0, talking: 0, silent: 0 };
      answering.ws.on('ping', () => pings.answering++);
      talking.ws.on('ping', () => pings.talking++);
      silent.on('ping', () => pings.silent++);
      const cut = new Promise<number>((resolve) => silent.once('close', (code) => resolve(code)));
      // a frame every 40 ms, ten a sweep: answered (an unknown event), so heard
      sending = setInterval(() => void talking.call('nothing.here', {}), 40);

      expect(await cut).toBe(1006); // terminated, no close frame: pinged once, silent since
      expect(pings.silent).toBe(1);
      await waitFor('the answering connection pinged at each quiet sweep', () => pings.answering >= 3);
      expect(answering.ws.readyState).toBe(WebSocket.OPEN);
      expect(talking.ws.readyState).toBe(WebSocket.OPEN);
      expect(pings.talking).toBe(0);
    } finally {
      clearInterval(sending);
      await quick.stop();
    }
  });

  it('stops reading connections past its in-flight bound, and answers every message all the same, on both channels', async () => {
    // a burst-api that reads at most 2 messages ahead of its answers: most of these wait in the kernel
    const tight = await AppProcess.start('burst-api', { BURST_SOCKET_MAX_IN_FLIGHT: '2' });
    const sockets: ReturnType<typeof io>[] = [];
    try {
      const show = await liveShow();
      const users = Array.from({ length: 40 }, (_, i) => `bp-${i}-${randomUUID().slice(0, 6)}`);
      const plain = await Promise.all(users.slice(0, 20).map((u) => open({ token: tokenFor(u, ['viewer']), base: tight.url })));
      for (const u of users.slice(20)) sockets.push(io(tight.url, { transports: ['websocket'], auth: { token: tokenFor(u, ['viewer']) }, reconnection: false, forceNew: true }));
      await Promise.all(sockets.map((s) => new Promise((resolve) => s.once('connect', () => resolve(undefined)))));
      const batch = (b: number) => ({ broadcastId: show, batchId: `b-${b}`, taps: [100 * b] });
      const answers = await Promise.all([
        ...plain.flatMap((c) => [1, 2, 3].map((b) => c.call('hearts.batch', batch(b)))),
        ...sockets.flatMap((s) => [1, 2, 3].map((b) => s.timeout(20_000).emitWithAck('hearts.batch', batch(b)) as Promise<{ ok: boolean }>)),
      ]);
      expect(answers.filter((a) => !a.ok)).toEqual([]);
      expect(answers).toHaveLength(120);
      expect(Number(await redis.get(keys.broadcast.hearts(show)))).toBe(120);
      const metric = async (name: string) => {
        const metrics = await (await fetch(`${tight.url}/metrics`)).text();
        return Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'm').exec(metrics)?.[1]);
      };
      expect(await metric('burst_socket_pauses_total')).toBeGreaterThan(0);
      expect(await metric('burst_socket_messages_in_flight')).toBe(0);
      // the paused connections are read again a few per turn of the loop, as room allows: none stays paused
      await waitFor('every paused connection read again', async () => (await metric('burst_socket_connections_paused')) === 0, { timeoutMs: 5_000 });
    } finally {
      sockets.forEach((s) => s.close());
      await tight.stop();
    }
  });
});
