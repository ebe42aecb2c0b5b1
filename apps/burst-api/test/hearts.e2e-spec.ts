import { randomUUID } from 'node:crypto';
import { HeartsTappedV1, HeartsTappedV2, Topics, heartBatchesOf, redisKeys } from '@live/contracts';
import { http, recordJson, testEnv, testRedis, tokenFor, waitFor } from '@live/testing';
import { Kafka, logLevel } from 'kafkajs';
import { unloggedBucket } from '../src/hearts/hearts-log';
import { BurstStack } from './burst-stack';

// Heart taps on the real stack: exact to the tap through concurrency, retries and duplicates;
// implausible batches refused and their senders throttled; viewers get aggregated ticks.
describe('hearts', () => {
  const env = testEnv();
  const keys = redisKeys(env.redisPhase);
  const redis = testRedis();
  const stack = new BurstStack();
  beforeAll(() => stack.start());

  afterAll(async () => {
    redis.disconnect();
    await stack.stop();
  });

  async function liveShow(): Promise<string> {
    const show = (await stack.seller.post('/v1/broadcasts', { title: 'hearts', scheduledAt: new Date().toISOString() })).body;
    await stack.seller.post(`/v1/broadcasts/${show.id}/start`);
    await waitFor('started-at mirrored', async () => (await redis.get(keys.broadcast.startedAt(show.id))) !== null);
    return show.id;
  }

  const tapper = (userId: string) => stack.as(userId);
  const taps = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i * 100);

  it('refuses viewers banned from the show or from every show', async () => {
    const show = await liveShow();
    const [troll, spammer] = [`troll-${randomUUID()}`, `spammer-${randomUUID()}`];
    expect((await tapper(troll).post(`/v1/broadcasts/${show}/hearts`, { batchId: 'b-0', taps: taps(1) })).status).toBe(200);
    expect((await stack.seller.post(`/v1/broadcasts/${show}/bans`, { userId: troll, reason: 'spam' })).status).toBe(201);
    const admin = http(stack.management.url, tokenFor(`admin-${randomUUID()}`, ['admin']));
    expect((await admin.post('/v1/bans', { userId: spammer, reason: 'spam' })).status).toBe(201);
    // the show's ban is read in the hearts script, the platform-wide one from Bans' copy
    for (const user of [troll, spammer]) {
      const refused = await waitFor(`${user} refused`, async () => {
        const r = await tapper(user).post(`/v1/broadcasts/${show}/hearts`, { batchId: `b-${randomUUID()}`, taps: taps(1) });
        return r.status === 403 ? r : undefined;
      });
      expect(refused.body.code).toBe('BANNED');
    }
    expect((await tapper(`fan-${randomUUID()}`).post(`/v1/broadcasts/${show}/hearts`, { batchId: 'b-0', taps: taps(1) })).status).toBe(200);
  });

  it('counts exactly once per batch through concurrent clients, retries and duplicates', async () => {
    const show = await liveShow();
    const users = Array.from({ length: 20 }, (_, i) => `tapper-${i}-${randomUUID().slice(0, 6)}`);
    const expected = new Map<string, number>();
    const sends: Promise<unknown>[] = [];
    for (const user of users) {
      const api = tapper(user);
      for (let b = 0; b < 10; b++) {
        const batchId = `b-${b}`;
        const n = 1 + ((b * 7 + user.length) % 10); // 1-10 taps, within 15/s of a 1 s span
        const body = { batchId, taps: taps(n) };
        expected.set(user, (expected.get(user) ?? 0) + n);
        // every batch sent twice at once, and every third a third time later (a retry)
        sends.push(api.post(`/v1/broadcasts/${show}/hearts`, body), api.post(`/v1/broadcasts/${show}/hearts`, body));
        if (b % 3 === 0) sends.push(new Promise((r) => setTimeout(r, 50)).then(() => api.post(`/v1/broadcasts/${show}/hearts`, body)));
      }
    }
    const results = (await Promise.all(sends)) as { status: number }[];
    expect(results.every((r) => r.status === 200)).toBe(true);
    const total = [...expected.values()].reduce((a, b) => a + b, 0);
    expect(Number(await redis.get(keys.broadcast.hearts(show)))).toBe(total);

    const summary = await tapper(users[0]).get(`/v1/broadcasts/${show}/hearts?limit=20`);
    expect(summary.body.total).toBe(total);
    expect(Object.fromEntries(summary.body.top.map((t: { userId: string; count: number }) => [t.userId, t.count]))).toEqual(Object.fromEntries(expected));
    const counts = summary.body.top.map((t: { count: number }) => t.count);
    expect(counts).toEqual([...counts].sort((a: number, b: number) => b - a));
    expect((await tapper(users[0]).get(`/v1/broadcasts/${show}/hearts`)).body.top).toHaveLength(10);

    // every batch reached the analytics log, once per batch id
    const seen = new Map<string, HeartsTappedV1>();
    const consumer = new Kafka({ brokers: env.kafkaBrokers, logLevel: logLevel.NOTHING }).consumer({ groupId: `${env.topicPrefix}hearts-spec-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: `${env.topicPrefix}${Topics.HeartsTappedV2}`, fromBeginning: true });
    let records = 0;
    await consumer.run({
      eachMessage: async ({ message }) => {
        const record = recordJson<HeartsTappedV2>(message.value);
        if (record?.broadcastId !== show) return;
        records += 1;
        for (const e of heartBatchesOf(record)) seen.set(e.eventId, e);
      },
    });
    await waitFor('200 batches logged', () => seen.size === 200, { timeoutMs: 30_000 });
    await consumer.disconnect();
    expect([...seen.values()].reduce((n, e) => n + e.taps.length, 0)).toBe(total);
    // a show's batches share records: 200 batches sent within a few ms need far fewer than 200
    expect(records).toBeLessThan(200);
  });

  it('counts a viewer once whatever their id holds (a batch is one script argument, split at \\x1f, the id last)', async () => {
    const show = await liveShow();
    const odd = [`a\x1fb/${randomUUID().slice(0, 6)}`, `x/y\x1f\x1f1\x1f0\x1fb-1\x1f ${randomUUID().slice(0, 6)}`];
    for (const user of odd) {
      const first = await tapper(user).post(`/v1/broadcasts/${show}/hearts`, { batchId: 'b-1', taps: taps(3) });
      expect(first.body).toMatchObject({ batchId: 'b-1', accepted: 3 });
      // a retry gets the first answer; the same id with another count is refused
      expect((await tapper(user).post(`/v1/broadcasts/${show}/hearts`, { batchId: 'b-1', taps: taps(3) })).body.total).toBe(first.body.total);
      const reused = await tapper(user).post(`/v1/broadcasts/${show}/hearts`, { batchId: 'b-1', taps: taps(4) });
      expect(reused.status).toBe(409);
      expect(reused.body.code).toBe('BATCH_ID_REUSED');
    }
    expect(Number(await redis.get(keys.broadcast.hearts(show)))).toBe(6);
    const top = (await tapper(odd[0]).get(`/v1/broadcasts/${show}/hearts?limit=10`)).body.top as { userId: string; count: number }[];
    expect(Object.fromEntries(top.map((t) => [t.userId, t.count]))).toEqual({ [odd[0]]: 3, [odd[1]]: 3 });
  });

  it('finds a batch first counted in the hour before or after, and across an upgrade from per-batch keys', async () => {
    const ANSWER_HOUR_MS = 3_600_000;
    // a show counted by burst-api before the answers and paces went into hashes: its total, a
    // batch's answer and a viewer's full pace are keys of their own (what that version wrote)
    const show = await liveShow();
    const [fan, flooder, late, early] = [`fan-${randomUUID()}`, `flooder-${randomUUID()}`, `late-${randomUUID()}`, `early-${randomUUID()}`];
    const now = Date.now();
    await redis
      .multi()
      .set(keys.broadcast.hearts(show), '7')
      .set(keys.hearts.batch(show, fan, 'old-1'), '7#3', 'EX', 3600)
      // both buckets full (15/s x 8 s), the video one at position 5 s: no tap before that drains it
      .set(keys.hearts.pace(show, flooder), `120.000|${now}|120.000|5000`, 'EX', 60)
      // the hour before's hash (a batch counted at 10:59, retried at 11:00)
      .hset(keys.broadcast.heartsAnswers(show, Math.floor(now / ANSWER_HOUR_MS) - 1), `${late}/b-1`, '4#2')
      // and the hour after's (counted by a replica whose clock is ahead of this one's)
      .hset(keys.broadcast.heartsAnswers(show, Math.floor(now / ANSWER_HOUR_MS) + 1), `${early}/b-1`, '5#1')
      // two hours back: no longer read, so the next call unlinks it
      .hset(keys.broadcast.heartsAnswers(show, Math.floor(now / ANSWER_HOUR_MS) - 2), `${early}/b-0`, '1#1')
      .exec();

    const retried = await tapper(fan).post(`/v1/broadcasts/${show}/hearts`, { batchId: 'old-1', taps: taps(3) });
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual({ batchId: 'old-1', accepted: 3, total: 7 });
    expect(await redis.exists(keys.broadcast.heartsAnswers(show, Math.floor(Date.now() / ANSWER_HOUR_MS) - 2))).toBe(0);
    const reused = await tapper(fan).post(`/v1/broadcasts/${show}/hearts`, { batchId: 'old-1', taps: taps(4) });
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('BATCH_ID_REUSED');
    const flooded = await tapper(flooder).post(`/v1/broadcasts/${show}/hearts`, { batchId: 'new-1', taps: [1000] });
    expect(flooded.status).toBe(429);
    expect(flooded.body).toMatchObject({ code: 'RATE_LIMITED', field: 'taps' });
    const lateRetry = await tapper(late).post(`/v1/broadcasts/${show}/hearts`, { batchId: 'b-1', taps: taps(2) });
    expect(lateRetry.body).toEqual({ batchId: 'b-1', accepted: 2, total: 4 });
    expect((await tapper(early).post(`/v1/broadcasts/${show}/hearts`, { batchId: 'b-1', taps: taps(1) })).body).toEqual({ batchId: 'b-1', accepted: 1, total: 5 });
    expect(await redis.get(keys.broadcast.hearts(show))).toBe('7');
    // the per-batch keys are read for the show's first hour under the hashes, then no more
    const until = Number(await redis.get(keys.broadcast.heartsLegacyUntil(show)));
    expect(until).toBeGreaterThan(now + ANSWER_HOUR_MS - 60_000);
    expect(until).toBeLessThanOrEqual(Date.now() + ANSWER_HOUR_MS);

    // a new batch counts, and its answer is in the hour's hash, not a key of its own
    const fresh = await tapper(fan).post(`/v1/broadcasts/${show}/hearts`, { batchId: 'new-1', taps: taps(2) });
    expect(fresh.body).toEqual({ batchId: 'new-1', accepted: 2, total: 9 });
    const hour = Math.floor(Date.now() / ANSWER_HOUR_MS);
    const answers = [...new Set([hour, Math.floor(now / ANSWER_HOUR_MS)])].map((h) => redis.hget(keys.broadcast.heartsAnswers(show, h), `${fan}/new-1`));
    expect(await Promise.all(answers)).toContain('9#2');
    expect(await redis.exists(keys.hearts.batch(show, fan, 'new-1'))).toBe(0);

    // a show first counted under the hashes never reads the per-batch keys
    const other = await liveShow();
    expect((await tapper(fan).post(`/v1/broadcasts/${other}/hearts`, { batchId: 'b-1', taps: taps(1) })).status).toBe(200);
    expect(await redis.get(keys.broadcast.heartsLegacyUntil(other))).toBe('0');
  });

  it('refuses implausible batches with the reason and throttles who keeps sending them', async () => {
    const show = await liveShow();
    const api = tapper(`cheat-${randomUUID()}`);
    const post = (body: unknown) => api.post(`/v1/broadcasts/${show}/hearts`, body);
    const tooFast = await post({ batchId: 'x1', taps: taps(30, 0).map((t) => Math.floor(t / 10)) }); // 30 taps in 0.3 s
    expect(tooFast.status).toBe(400);
    expect(tooFast.body).toMatchObject({ code: 'IMPLAUSIBLE_TAPS', field: 'taps' });
    expect(tooFast.body.message).toContain('per second');
    expect((await post({ batchId: 'x2', taps: taps(61) })).body.message).toContain('at most 60');
    expect((await post({ batchId: 'x3', taps: [500, 400] })).body.message).toContain('must not decrease');
    expect((await post({ batchId: 'x4', taps: [3_600_000_000] })).body.message).toContain('running time');
    expect((await post({ batchId: 'x5', taps: [1, 0] })).status).toBe(400);
    const throttled = await post({ batchId: 'ok-now', taps: [100] });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('60');
    expect(Number((await redis.get(keys.broadcast.hearts(show))) ?? 0)).toBe(0);
  });

  it('answers bad input and unknown or idle shows with the field named', async () => {
    const show = await liveShow();
    const api = tapper(`v-${randomUUID()}`);
    for (const [body, field] of [
      [{ taps: [1] }, 'batchId'],
      [{ batchId: 'a', taps: [] }, 'taps'],
      [{ batchId: 'a', taps: [1.5] }, 'taps'],
      [{ batchId: 'a', taps: 'many' }, 'taps'],
      [{ batchId: 'a', taps: [1], extra: 1 }, 'extra'],
    ] as const) {
      const res = await api.post(`/v1/broadcasts/${show}/hearts`, body);
      expect({ status: res.status, field: res.body.field }).toEqual({ status: 400, field });
    }
    expect((await api.post(`/v1/broadcasts/${randomUUID()}/hearts`, { batchId: 'a', taps: [1] })).status).toBe(404);
    expect((await http(stack.burst.url).post(`/v1/broadcasts/${show}/hearts`, { batchId: 'a', taps: [1] })).status).toBe(401);
    expect((await api.get(`/v1/broadcasts/${show}/hearts?limit=0`)).body.field).toBe('limit');
    await stack.seller.post(`/v1/broadcasts/${show}/end`);
    const ended = await waitFor('ended mirrored', async () => {
      const r = await api.post(`/v1/broadcasts/${show}/hearts`, { batchId: 'late', taps: [1] });
      return r.status === 409 ? r : undefined;
    });
    expect(ended.body.code).toBe('NOT_LIVE');
  });

  it('pushes hearts.count aggregated, at most every 500 ms', async () => {
    const show = await liveShow();
    const v = stack.viewer();
    await waitFor('joined', async () => (await v.join(show)).ok);
    const api = tapper(`burst-${randomUUID()}`);
    const others = Array.from({ length: 30 }, (_, i) => tapper(`crowd-${i}-${randomUUID().slice(0, 4)}`));
    const started = Date.now();
    await Promise.all(others.map((o, i) => o.post(`/v1/broadcasts/${show}/hearts`, { batchId: `c${i}`, taps: taps(5) })));
    await api.post(`/v1/broadcasts/${show}/hearts`, { batchId: 'last', taps: taps(3) });
    const final = await v.waitForEvent('hearts.count', (c) => c.broadcastId === show && c.total === 153);
    expect(final.total).toBe(153);
    const ticks = v.events('hearts.count').filter((c) => c.broadcastId === show);
    // 31 batches in well under a few seconds: a handful of ticks, not one per batch or tap
    expect(ticks.length).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 500) + 1);
    expect(ticks.length).toBeLessThan(31);
  });

  it('publishes again, within seconds and long before the show ends, a batch the log did not take, once it is 10 s old', async () => {
    const show = await liveShow();
    const user = `outage-${randomUUID()}`;
    expect((await tapper(user).post(`/v1/broadcasts/${show}/hearts`, { batchId: 'b-1', taps: taps(2) })).status).toBe(200);
    // what a broker outage leaves: counted batches in the show's unlogged hashes, one 15 s old,
    // one just counted (it may still be on its way: not published again before it is 10 s old)
    const buckets = keys.broadcast.heartsUnloggedBuckets(show);
    const plant = async (batchId: string, at: number) => {
      const key = keys.broadcast.heartsUnlogged(show, unloggedBucket(at));
      await redis.multi().hset(key, `${user}/${batchId}`, `2|${at}|100,200`).sadd(buckets, unloggedBucket(at)).exec();
      return key;
    };
    const youngAt = Date.now();
    const old = await plant('b-lost', youngAt - 15_000);
    const young = await plant('b-young', youngAt);
    const seen: HeartsTappedV1[] = [];
    const consumer = new Kafka({ brokers: env.kafkaBrokers, logLevel: logLevel.NOTHING }).consumer({ groupId: `${env.topicPrefix}hearts-relog-${randomUUID()}` });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: `${env.topicPrefix}${Topics.HeartsTappedV2}`, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const record = recordJson<HeartsTappedV2>(message.value);
          if (record?.broadcastId === show) seen.push(...heartBatchesOf(record).filter((e) => e.batchId !== 'b-1'));
        },
      });
      // the show is still live: only the periodic re-log can have published it
      await waitFor('the lost batch logged', () => seen.length > 0, { timeoutMs: 20_000 });
      expect(seen[0]).toMatchObject({ userId: user, batchId: 'b-lost', taps: [100, 200], totalAfter: 2 });
      // its emptied hash is forgotten with it
      await waitFor('and no longer unlogged', async () => (await redis.exists(old)) === 0 && !(await redis.smembers(buckets)).includes(String(unloggedBucket(youngAt - 15_000))));
      // the young one waits for its turn (it is published the same way once 10 s old)
      if (Date.now() - youngAt < 9_000) {
        expect(seen.some((e) => e.batchId === 'b-young')).toBe(false);
        expect(await redis.hexists(young, `${user}/b-young`)).toBe(1);
      }
    } finally {
      await consumer.disconnect();
    }
  });
});
