import { randomUUID } from 'node:crypto';
import { HeartsTappedV2, Topics, heartBatchesOf, redisKeys } from '@live/contracts';
import { AppProcess, Http, http, recordJson, testEnv, testRedis, tokenFor, waitFor } from '@live/testing';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { unloggedBucket } from '../src/hearts/hearts-log';
import { HEARTS_TOP_KEPT } from '../src/hearts/hearts.service';

// Show end: hearts, ranks, coupon stock and poll tallies move to Postgres exactly once (a
// second delivery of the event changes nothing), the Redis keys go, reads come from Postgres.
describe('show-end flush', () => {
  const env = testEnv();
  const keys = redisKeys(env.redisPhase);
  const redis = testRedis();
  const pg = new Client({ connectionString: env.databaseUrl });
  let management: AppProcess;
  let burst: AppProcess;
  let seller: Http;
  let sellerId: string;

  beforeAll(async () => {
    [management, burst] = await Promise.all([AppProcess.start('management-api'), AppProcess.start('burst-api')]);
    sellerId = `seller-${randomUUID()}`;
    seller = http(management.url, tokenFor(sellerId, ['seller']));
    await pg.connect();
  });

  afterAll(async () => {
    redis.disconnect();
    await pg.end();
    await Promise.all([management, burst].map((a) => a?.stop()));
  });

  const viewer = (u: string) => http(burst.url, tokenFor(u, ['viewer']));
  const rows = async (sql: string, show: string) => (await pg.query(sql, [show])).rows;

  it('flushes exactly once and reads from Postgres afterwards', async () => {
    const show = (await seller.post('/v1/broadcasts', { title: 'end me', scheduledAt: new Date().toISOString() })).body.id as string;
    await seller.post(`/v1/broadcasts/${show}/start`);
    await waitFor('live in redis', async () => (await redis.get(keys.broadcast.startedAt(show))) !== null);
    const now = Date.now();
    const coupon = (
      await seller.post(`/v1/broadcasts/${show}/coupons`, {
        name: 'c', discountType: 'percent', discountValue: 5, totalQuantity: 50,
        validFrom: new Date(now - 60_000).toISOString(), validUntil: new Date(now + 3600_000).toISOString(),
      })
    ).body.id;
    const poll = (await seller.post(`/v1/broadcasts/${show}/polls`, { question: 'q', options: ['a', 'b'] })).body.id;
    await seller.post(`/v1/broadcasts/${show}/coupons/${coupon}/expose`);
    await seller.post(`/v1/broadcasts/${show}/polls/${poll}/open`);

    // taps with duplicates, some claims and votes
    const users = Array.from({ length: 12 }, (_, i) => `fan-${i}-${randomUUID().slice(0, 4)}`);
    await Promise.all(users.flatMap((u, i) => [0, 1, 1].map((b) => viewer(u).post(`/v1/broadcasts/${show}/hearts`, { batchId: `b${b}`, taps: Array(1 + (i % 5)).fill(0).map((_, k) => k * 100) }))));
    await waitFor('coupon claimable', async () => (await viewer(users[0]).post(`/v1/broadcasts/${show}/coupons/${coupon}/claims`)).status === 201);
    const claims = await Promise.all(users.slice(1, 6).map((u) => viewer(u).post(`/v1/broadcasts/${show}/coupons/${coupon}/claims`)));
    expect(claims.map((c) => `${c.status} ${c.body?.code ?? ''}`.trim())).toEqual(Array(5).fill('201'));
    await waitFor('poll open', async () => (await viewer(users[0]).post(`/v1/broadcasts/${show}/polls/${poll}/votes`, { option: 1 })).status === 201);
    await Promise.all(users.slice(1, 8).map((u, i) => viewer(u).post(`/v1/broadcasts/${show}/polls/${poll}/votes`, { option: i % 2 })));

    const before = await viewer(users[0]).get(`/v1/broadcasts/${show}/hearts?limit=100`);
    const expectedTotal = users.reduce((n, _, i) => n + 2 * (1 + (i % 5)), 0);
    expect(before.body.total).toBe(expectedTotal);
    const answerHours = [-1, 0, 1].map((d) => keys.broadcast.heartsAnswers(show, Math.floor(Date.now() / 3_600_000) + d));
    expect(await redis.exists(...answerHours, keys.broadcast.heartsPace(show))).toBeGreaterThan(0);

    expect((await seller.post(`/v1/broadcasts/${show}/end`)).status).toBe(200);
    await waitFor('flushed', async () => (await rows('SELECT 1 FROM burst.show_flushes WHERE broadcast_id = $1', show)).length === 1);
    expect((await rows('SELECT total::int FROM burst.hearts_totals WHERE broadcast_id = $1', show))[0].total).toBe(expectedTotal);
    const ranks = await rows('SELECT user_id AS "userId", count::int AS count FROM burst.hearts_ranks WHERE broadcast_id = $1', show);
    expect(new Map(ranks.map((r) => [r.userId, r.count]))).toEqual(new Map(before.body.top.map((t: { userId: string; count: number }) => [t.userId, t.count])));
    expect(await rows('SELECT remaining, claimed FROM burst.coupon_stock WHERE broadcast_id = $1', show)).toEqual([{ remaining: 44, claimed: 6 }]);
    expect(await rows('SELECT option, votes FROM burst.poll_tallies WHERE broadcast_id = $1 ORDER BY option', show)).toEqual([
      { option: 0, votes: 4 },
      { option: 1, votes: 4 },
    ]);
    await waitFor('redis keys dropped', async () => (await redis.exists(keys.broadcast.heartsCounts(show), keys.broadcast.heartsTop(show), keys.coupon.state(show, coupon), keys.poll.tally(show, poll))) === 0);
    // the batch answers and paces too (an ended show answers a retried batch NOT_LIVE)
    expect(await redis.exists(...answerHours, keys.broadcast.heartsPace(show), keys.broadcast.heartsLegacyUntil(show))).toBe(0);
    // but the total stays a while, for ws-gateway's pushes to the viewers still there
    expect(Number(await redis.get(keys.broadcast.hearts(show)))).toBe(expectedTotal);
    expect(await redis.ttl(keys.broadcast.hearts(show))).toBeGreaterThan(0);

    await waitFor('status ended mirrored', async () => (await redis.get(keys.broadcast.status(show))) === 'ended');
    const after = await viewer(users[0]).get(`/v1/broadcasts/${show}/hearts?limit=3`);
    expect(after.body.total).toBe(expectedTotal);
    expect(after.body.top).toHaveLength(3);

    // a second delivery of "ended" (a new event, the same show) changes nothing
    const producer = new Kafka({ brokers: env.kafkaBrokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    const at = new Date().toISOString();
    await producer.send({
      topic: `${env.topicPrefix}${Topics.BroadcastLifecycle}`,
      messages: [{ key: show, value: JSON.stringify({ eventId: randomUUID(), occurredAt: at, broadcastId: show, sellerId, status: 'ended', at }) }],
    });
    await producer.disconnect();
    // logged after the (empty) transaction: whatever it would have written is written
    await waitFor('second delivery handled', () => burst.output.some((l) => l.includes(`${show}: already flushed`)));
    expect((await rows('SELECT total::int FROM burst.hearts_totals WHERE broadcast_id = $1', show))[0].total).toBe(expectedTotal);
    expect((await rows('SELECT count(*)::int AS n FROM burst.hearts_ranks WHERE broadcast_id = $1', show))[0].n).toBe(users.length);
  });

  it('re-logs, before it flushes, batches counted but never logged (a crash between Redis and Kafka)', async () => {
    const show = (await seller.post('/v1/broadcasts', { title: 'crash', scheduledAt: new Date().toISOString() })).body.id as string;
    await seller.post(`/v1/broadcasts/${show}/start`);
    await waitFor('live in redis', async () => (await redis.get(keys.broadcast.startedAt(show))) !== null);
    expect((await viewer('logged-fan').post(`/v1/broadcasts/${show}/hearts`, { batchId: 'ok', taps: [100, 200] })).status).toBe(200);
    // what the counting script leaves when the process dies before its produce request leaves
    const total = await redis.incrby(keys.broadcast.hearts(show), 3);
    await redis.hincrby(keys.broadcast.heartsCounts(show), 'lost-fan', 3);
    const at = Date.now();
    await redis
      .multi()
      .hset(keys.broadcast.heartsUnlogged(show, unloggedBucket(at)), 'lost-fan/b-7', `${total}|${at}|100,150,900`)
      .sadd(keys.broadcast.heartsUnloggedBuckets(show), unloggedBucket(at))
      .exec();
    const unlogged = async (field: string) => {
      const buckets = await redis.smembers(keys.broadcast.heartsUnloggedBuckets(show));
      const found = await Promise.all(buckets.map((b) => redis.hexists(keys.broadcast.heartsUnlogged(show, Number(b)), field)));
      return found.some((n) => n === 1);
    };
    expect(await unlogged('lost-fan/b-7')).toBe(true);
    await waitFor('the logged batch left the unlogged hashes', async () => !(await unlogged('logged-fan/ok')));

    const logged: { userId: string; batchId: string; taps: number[]; totalAfter: number }[] = [];
    const consumer = new Kafka({ brokers: env.kafkaBrokers, logLevel: logLevel.NOTHING }).consumer({ groupId: `${env.topicPrefix}relog-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: `${env.topicPrefix}${Topics.HeartsTappedV2}`, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const record = recordJson<HeartsTappedV2>(message.value);
        if (record?.broadcastId === show) logged.push(...heartBatchesOf(record));
      },
    });
    expect((await seller.post(`/v1/broadcasts/${show}/end`)).status).toBe(200);
    await waitFor('flushed', async () => (await rows('SELECT 1 FROM burst.show_flushes WHERE broadcast_id = $1', show)).length === 1);
    await waitFor('both batches in the log', () => logged.length >= 2, { timeoutMs: 20_000 });
    await consumer.disconnect();
    expect(logged.map((e) => `${e.userId}/${e.batchId}`).sort()).toEqual(['logged-fan/ok', 'lost-fan/b-7']);
    expect(logged.find((e) => e.userId === 'lost-fan')).toMatchObject({ taps: [100, 150, 900], totalAfter: total });
    expect(logged.reduce((n, e) => n + e.taps.length, 0)).toBe((await rows('SELECT total::int FROM burst.hearts_totals WHERE broadcast_id = $1', show))[0].total);
    expect(burst.output.some((l) => l.includes(`${show}: flushed 5 hearts`) && l.includes('1 heart batches re-logged'))).toBe(true);
  });
  it('ranks the top tappers in a bounded set and flushes every tapper\'s count', async () => {
    const show = (await seller.post('/v1/broadcasts', { title: 'crowd', scheduledAt: new Date().toISOString() })).body.id as string;
    await seller.post(`/v1/broadcasts/${show}/start`);
    await waitFor('live in redis', async () => (await redis.get(keys.broadcast.startedAt(show))) !== null);
    // more tappers than the ranking keeps; some tap again, so counts cross
    const tappers = Array.from({ length: HEARTS_TOP_KEPT + 100 }, (_, i) => `crowd-${i}-${randomUUID().slice(0, 4)}`);
    const expected = new Map<string, number>();
    const tap = async (user: string, batchId: string, n: number) => {
      const r = await viewer(user).post(`/v1/broadcasts/${show}/hearts`, { batchId, taps: Array.from({ length: n }, (_, k) => k * 100) });
      expect(r.status).toBe(200);
      expected.set(user, (expected.get(user) ?? 0) + n);
    };
    for (let from = 0; from < tappers.length; from += 100) await Promise.all(tappers.slice(from, from + 100).map((u, i) => tap(u, 'b-0', 1 + ((from + i) % 10))));
    await Promise.all(tappers.filter((_, i) => i % 7 === 0).map((u, i) => tap(u, 'b-1', 1 + (i % 10))));

    expect(await redis.zcard(keys.broadcast.heartsTop(show))).toBe(HEARTS_TOP_KEPT);
    expect(await redis.hlen(keys.broadcast.heartsCounts(show))).toBe(tappers.length);
    expect(await redis.exists(keys.broadcast.heartsRank(show))).toBe(0);
    const top = (await viewer(tappers[0]).get(`/v1/broadcasts/${show}/hearts?limit=100`)).body.top as { userId: string; count: number }[];
    // each with its own count, and the 100 highest counts there are (ties make who holds them open)
    for (const t of top) expect(t.count).toBe(expected.get(t.userId));
    expect(top.map((t) => t.count)).toEqual([...expected.values()].sort((a, b) => b - a).slice(0, 100));

    expect((await seller.post(`/v1/broadcasts/${show}/end`)).status).toBe(200);
    await waitFor('flushed', async () => (await rows('SELECT 1 FROM burst.show_flushes WHERE broadcast_id = $1', show)).length === 1);
    const ranks = await rows('SELECT user_id AS "userId", count::int AS count FROM burst.hearts_ranks WHERE broadcast_id = $1', show);
    expect(new Map(ranks.map((r) => [r.userId, r.count]))).toEqual(expected);
  });

  it('keeps the full ranking of a show counted before the bounded one, to its end', async () => {
    const show = (await seller.post('/v1/broadcasts', { title: 'upgraded', scheduledAt: new Date().toISOString() })).body.id as string;
    await seller.post(`/v1/broadcasts/${show}/start`);
    await waitFor('live in redis', async () => (await redis.get(keys.broadcast.startedAt(show))) !== null);
    // what a burst-api of before left: a sorted set of every tapper, no counts hash
    await redis.zincrby(keys.broadcast.heartsRank(show), 4, 'early-fan');
    for (const [user, n] of [['early-fan', 2], ['late-fan', 3]] as const) {
      expect((await viewer(user).post(`/v1/broadcasts/${show}/hearts`, { batchId: 'b', taps: Array.from({ length: n }, (_, k) => k * 100) })).status).toBe(200);
    }
    expect(await redis.zrange(keys.broadcast.heartsRank(show), 0, -1, 'WITHSCORES')).toEqual(['late-fan', '3', 'early-fan', '6']);
    expect(await redis.exists(keys.broadcast.heartsCounts(show), keys.broadcast.heartsTop(show))).toBe(0);
    expect((await viewer('early-fan').get(`/v1/broadcasts/${show}/hearts`)).body.top).toEqual([
      { userId: 'early-fan', count: 6 },
      { userId: 'late-fan', count: 3 },
    ]);
    expect((await seller.post(`/v1/broadcasts/${show}/end`)).status).toBe(200);
    await waitFor('flushed', async () => (await rows('SELECT 1 FROM burst.show_flushes WHERE broadcast_id = $1', show)).length === 1);
    expect(await rows('SELECT user_id AS "userId", count::int AS count FROM burst.hearts_ranks WHERE broadcast_id = $1 ORDER BY count DESC', show)).toEqual([
      { userId: 'early-fan', count: 6 },
      { userId: 'late-fan', count: 3 },
    ]);
    await waitFor('ranking dropped', async () => (await redis.exists(keys.broadcast.heartsRank(show))) === 0);
  });
});
