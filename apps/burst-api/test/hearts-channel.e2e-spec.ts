import { randomUUID } from 'node:crypto';
import { HeartsBatchAck, PollVoteAck, redisKeys } from '@live/contracts';
import { testEnv, testRedis, tokenFor, waitFor } from '@live/testing';
import { Client } from 'pg';
import { io, Socket } from 'socket.io-client';
import { BurstStack } from './burst-stack';

// Heart batches (and votes) over burst-api's socket (the same count, checks and idempotency as HTTP, on
// both at once), the pace of a viewer across all their batches (a flood of fresh ids is
// capped, an honest client is never refused), a batchId reused with another count, and the
// total viewers are told once the show has ended.
describe('hearts: socket channel and anti-cheat across batches', () => {
  const env = testEnv();
  const keys = redisKeys(env.redisPhase);
  const redis = testRedis();
  const pg = new Client({ connectionString: env.databaseUrl });
  const stack = new BurstStack();
  const sockets: Socket[] = [];
  beforeAll(async () => {
    await stack.start();
    await pg.connect();
  });

  afterAll(async () => {
    sockets.forEach((s) => s.close());
    redis.disconnect();
    await pg.end();
    await stack.stop();
  });

  async function liveShow(): Promise<{ show: string; startedAt: number }> {
    const show = (await stack.seller.post('/v1/broadcasts', { title: 'hearts channel', scheduledAt: new Date().toISOString() })).body.id as string;
    await stack.seller.post(`/v1/broadcasts/${show}/start`);
    const startedAt = await waitFor('started-at mirrored', async () => Number(await redis.get(keys.broadcast.startedAt(show))) || undefined);
    return { show, startedAt };
  }

  async function connect(token: string | undefined): Promise<Socket> {
    const s = io(stack.burst.url, { transports: ['websocket'], auth: token ? { token } : {}, reconnection: false, forceNew: true });
    sockets.push(s);
    await new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', reject);
    });
    return s;
  }

  const send = (s: Socket, message: unknown) => s.timeout(10_000).emitWithAck('hearts.batch', message) as Promise<HeartsBatchAck>;
  /** n taps over the second of the show before `atMs` (video ms), as a player stamps them */
  const lastSecond = (n: number, atMs: number) => Array.from({ length: n }, (_, k) => Math.max(0, atMs - 1_000 + Math.floor(((k + 1) * 1_000) / n)));

  it('counts over the socket exactly once per batch id, also when the same batch comes over HTTP', async () => {
    const { show } = await liveShow();
    const users = Array.from({ length: 8 }, (_, i) => `sock-${i}-${randomUUID().slice(0, 6)}`);
    let expected = 0;
    const answers: Promise<unknown>[] = [];
    for (const user of users) {
      const s = await connect(tokenFor(user, ['viewer']));
      for (let b = 0; b < 5; b++) {
        const body = { batchId: `b-${b}`, taps: [100, 200, 300].slice(0, 1 + (b % 3)) };
        expected += body.taps.length;
        // twice over the socket and once over HTTP, at once
        answers.push(send(s, { broadcastId: show, ...body }), send(s, { broadcastId: show, ...body }), stack.as(user).post(`/v1/broadcasts/${show}/hearts`, body));
      }
    }
    const results = (await Promise.all(answers)) as ({ ok?: boolean; status?: number })[];
    expect(results.every((r) => r.ok === true || r.status === 200)).toBe(true);
    expect(Number(await redis.get(keys.broadcast.hearts(show)))).toBe(expected);
  });

  it('judges each of many batches sent at the same moment on its own (they share Redis calls)', async () => {
    const { show } = await liveShow();
    // a show's batches that arrive together are counted in shared script calls (up to 64 a call)
    const users = Array.from({ length: 300 }, (_, i) => `crowd-${i}-${randomUUID().slice(0, 6)}`);
    const crowd = await Promise.all(users.map((user) => connect(tokenFor(user, ['viewer']))));
    const troll = `troll-${randomUUID()}`;
    await redis.hset(keys.broadcast.bans(show), troll, '0');
    const trollSocket = await connect(tokenFor(troll, ['viewer']));
    const sent = crowd.map((s, i) => ({ s, body: { broadcastId: show, batchId: `b-${i}`, taps: [100, 200, 300].slice(0, 1 + (i % 3)) } }));
    const acks = await Promise.all([
      ...sent.flatMap(({ s, body }, i) => (i % 2 === 0 ? [send(s, body), send(s, body)] : [send(s, body)])),
      send(trollSocket, { broadcastId: show, batchId: 'b-t', taps: [100] }),
      send(crowd[1], { broadcastId: show, batchId: 'b-1', taps: [100, 200, 300, 400] }),
    ]);
    const expected = sent.reduce((n, { body }) => n + body.taps.length, 0);
    expect(Number(await redis.get(keys.broadcast.hearts(show)))).toBe(expected);
    expect(acks.at(-2)).toMatchObject({ ok: false, code: 'BANNED' });
    // batch b-1 came again, on the same socket just after, with another count: that one is refused
    expect(acks.at(-1)).toMatchObject({ ok: false, code: 'BATCH_ID_REUSED' });
    const counted = acks.filter((a): a is Extract<HeartsBatchAck, { ok: true }> => a.ok);
    expect(counted).toHaveLength(450); // every crowd ack (150 batches sent twice, 150 once)
    // each batch got the running total after it: distinct per batch, the same for its duplicate
    const byBatch = new Map<string, Set<number>>();
    for (const a of counted) byBatch.set(a.batchId, (byBatch.get(a.batchId) ?? new Set()).add(a.total));
    expect([...byBatch.values()].every((totals) => totals.size === 1)).toBe(true);
    const totals = [...byBatch.values()].map((t) => [...t][0]).sort((a, b) => a - b);
    expect(new Set(totals).size).toBe(300);
    expect(totals.at(-1)).toBe(expected);
  });

  it('acks refusals with the code, the field and retryAfter, and refuses a socket without a valid token', async () => {
    const { show } = await liveShow();
    const s = await connect(tokenFor(`v-${randomUUID()}`, ['viewer']));
    expect(await send(s, { broadcastId: show, batchId: 'a', taps: [] })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', field: 'taps' });
    expect(await send(s, { broadcastId: 'not an id', batchId: 'a', taps: [1] })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', field: 'broadcastId' });
    expect(await send(s, { broadcastId: show, batchId: 'a', taps: [1], extra: 1 })).toMatchObject({ ok: false, field: 'extra' });
    expect(await send(s, { broadcastId: show, batchId: 'x', taps: [500, 400] })).toMatchObject({ ok: false, code: 'IMPLAUSIBLE_TAPS', field: 'taps' });
    expect(await send(s, { broadcastId: randomUUID(), batchId: 'a', taps: [1] })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    await expect(connect(undefined)).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
    await expect(connect('not.a.jwt')).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
  });

  it('caps a flood of parallel fresh-id batches from one viewer, counts the refusals and throttles the sender', async () => {
    const { show, startedAt } = await liveShow();
    const user = `flood-${randomUUID()}`;
    const s = await connect(tokenFor(user, ['viewer']));
    const at = Date.now() - startedAt;
    // 200 batches of 10 taps at the same positions, all at once, each with a fresh id: each one
    // alone is plausible (10 taps in a second)
    const acks = await Promise.all(Array.from({ length: 200 }, (_, i) => send(s, { broadcastId: show, batchId: `f-${i}`, taps: lastSecond(10, at) })));
    const counted = acks.filter((a) => a.ok).length;
    const codes = new Set(acks.filter((a) => !a.ok).map((a) => (a.ok ? '' : a.code)));
    // at most the burst allowance: 15 taps/s x 8 s = 120 taps, so 12 batches
    expect(counted).toBeLessThanOrEqual(12);
    expect(counted).toBeGreaterThan(0);
    expect([...codes].sort()).toEqual(['RATE_LIMITED', 'THROTTLED']);
    const limited = acks.find((a) => !a.ok && a.code === 'RATE_LIMITED');
    expect(limited).toMatchObject({ field: 'taps', retryAfter: expect.any(Number) });
    expect(Number(await redis.get(keys.broadcast.hearts(show)))).toBe(counted * 10);
    // the same flood over HTTP: the sender is throttled (429 with Retry-After) whatever the channel
    const http = await stack.as(user).post(`/v1/broadcasts/${show}/hearts`, { batchId: 'h-1', taps: lastSecond(10, Date.now() - startedAt) });
    expect(http.status).toBe(429);
    expect(http.headers.get('retry-after')).toBe('60');
    const metrics = await (await fetch(`${stack.burst.url}/metrics`)).text();
    expect(metrics).toMatch(/burst_heart_batches_refused_total\{[^}]*reason="pace_(wall|video)"[^}]*\} [1-9]/);
  });

  it('never refuses an honest viewer: one batch per window, 15 taps a second, positions moving with the show', async () => {
    const { show, startedAt } = await liveShow();
    const user = `honest-${randomUUID()}`;
    const s = await connect(tokenFor(user, ['viewer']));
    const api = stack.as(user);
    // 10 windows of 1 s at the most a person taps: 150 taps, more than the burst allowance (120),
    // so the allowance must drain as the show moves on; every other window over HTTP
    const acks: { ok: boolean }[] = [];
    for (let w = 0; w < 10; w++) {
      // the client's window: the scenario's own clock, not a wait for a race
      await new Promise((r) => setTimeout(r, 1_000));
      const body = { batchId: `w-${w}`, taps: lastSecond(15, Date.now() - startedAt) };
      if (w % 2) {
        const r = await api.post(`/v1/broadcasts/${show}/hearts`, body);
        acks.push({ ok: r.status === 200 });
      } else acks.push(await send(s, { broadcastId: show, ...body }));
    }
    expect(acks).toEqual(Array(10).fill(expect.objectContaining({ ok: true })));
    expect(Number(await redis.get(keys.broadcast.hearts(show)))).toBe(150);
  });

  it('answers 409 BATCH_ID_REUSED to a batch id already counted with another number of taps', async () => {
    const { show } = await liveShow();
    const user = `reuse-${randomUUID()}`;
    const api = stack.as(user);
    const first = await api.post(`/v1/broadcasts/${show}/hearts`, { batchId: 'same', taps: [100, 200] });
    expect(first.body).toEqual({ batchId: 'same', accepted: 2, total: 2 });
    // the same batch again: its first answer
    expect((await api.post(`/v1/broadcasts/${show}/hearts`, { batchId: 'same', taps: [100, 200] })).body).toEqual(first.body);
    const reused = await api.post(`/v1/broadcasts/${show}/hearts`, { batchId: 'same', taps: [100, 200, 300, 400, 500] });
    expect(reused.status).toBe(409);
    expect(reused.body).toMatchObject({ code: 'BATCH_ID_REUSED', field: 'batchId' });
    const s = await connect(tokenFor(user, ['viewer']));
    expect(await send(s, { broadcastId: show, batchId: 'same', taps: [100] })).toMatchObject({ ok: false, code: 'BATCH_ID_REUSED' });
    expect(Number(await redis.get(keys.broadcast.hearts(show)))).toBe(2);
  });

  it('takes votes over the socket, one per viewer and poll whichever channel', async () => {
    const { show } = await liveShow();
    const poll = (await stack.seller.post(`/v1/broadcasts/${show}/polls`, { question: 'Colour?', options: ['Red', 'Blue'] })).body.id as string;
    await stack.seller.post(`/v1/broadcasts/${show}/polls/${poll}/open`);
    const user = `voter-${randomUUID()}`;
    const s = await connect(tokenFor(user, ['viewer']));
    const vote = (message: unknown) => s.timeout(10_000).emitWithAck('poll.vote', message) as Promise<PollVoteAck>;
    const first = await waitFor('poll open in burst-api', async () => {
      const a = await vote({ broadcastId: show, pollId: poll, option: 1 });
      return a.ok || a.code !== 'POLL_NOT_OPEN' ? a : undefined;
    });
    expect(first).toMatchObject({ ok: true, voteId: expect.any(String) });
    expect(await vote({ broadcastId: show, pollId: poll, option: 0 })).toMatchObject({ ok: false, code: 'ALREADY_VOTED' });
    expect((await stack.as(user).post(`/v1/broadcasts/${show}/polls/${poll}/votes`, { option: 0 })).body.code).toBe('ALREADY_VOTED');
    expect(await vote({ broadcastId: show, pollId: poll, option: 9 })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', field: 'option' });
    expect(await vote({ broadcastId: show, pollId: 'nope', option: 0 })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', field: 'pollId' });
    expect(await redis.hgetall(keys.poll.tally(show, poll))).toEqual({ '1': '1' });
  });

  it('does not tell the viewers still on an ended show that its total is 0', async () => {
    const { show } = await liveShow();
    const v = stack.viewer();
    await waitFor('joined', async () => (await v.join(show)).ok);
    const api = stack.as(`fan-${randomUUID()}`);
    await api.post(`/v1/broadcasts/${show}/hearts`, { batchId: 'b', taps: [100, 200, 300] });
    await v.waitForEvent('hearts.count', (c) => c.broadcastId === show && c.total === 3);
    await stack.seller.post(`/v1/broadcasts/${show}/end`);
    await waitFor('flushed', async () => (await pg.query('SELECT 1 FROM burst.show_flushes WHERE broadcast_id = $1', [show])).rows.length === 1);
    await waitFor('ranks dropped', async () => (await redis.exists(keys.broadcast.heartsCounts(show), keys.broadcast.heartsTop(show))) === 0);
    // proof the gateway ticked twice since: another show's viewer gets two new totals
    const other = await liveShow();
    const w = stack.viewer();
    await waitFor('joined', async () => (await w.join(other.show)).ok);
    const otherFan = stack.as(`other-${randomUUID()}`);
    for (const [i, total] of [1, 2].entries()) {
      await otherFan.post(`/v1/broadcasts/${other.show}/hearts`, { batchId: `o-${i}`, taps: [100] });
      await w.waitForEvent('hearts.count', (c) => c.broadcastId === other.show && c.total === total);
    }
    const seen = v.events('hearts.count').filter((c) => c.broadcastId === show);
    expect(seen.map((c) => c.total)).not.toContain(0);
    expect(seen[seen.length - 1].total).toBe(3);
  });
});
