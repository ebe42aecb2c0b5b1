import { randomUUID } from 'node:crypto';
import { CouponClaimAck, CouponClaimedV1, Topics, redisKeys } from '@live/contracts';
import { http, recordJson, testEnv, testRedis, tokenFor, useStack, waitFor } from '@live/testing';
import { Kafka, logLevel } from 'kafkajs';
import { io, Socket } from 'socket.io-client';
import { BurstStack } from './burst-stack';

// Coupon claims over burst-api's socket: acked as the HTTP 201 only once the claim is in the
// Kafka log (read back at an offset below the log's end at the moment of the ack), never
// oversold with socket and HTTP claimers at once, one per viewer whichever channel, refusals
// acked with the HTTP route's code and field, and a viewer's socket claims rate-limited.
describe('coupon claims over the socket', () => {
  const env = testEnv();
  const { stack, pg } = useStack(new BurstStack());
  const kafka = new Kafka({ brokers: env.kafkaBrokers, logLevel: logLevel.NOTHING });
  const topic = `${env.topicPrefix}${Topics.CouponClaimed}`;
  const redis = testRedis();
  const keys = redisKeys(env.redisPhase);
  const sockets: Socket[] = [];
  afterAll(() => {
    sockets.forEach((s) => s.close());
    redis.disconnect();
  });

  async function showWithCoupon(totalQuantity: number) {
    const show = (await stack.seller.post('/v1/broadcasts', { title: 'socket sale', scheduledAt: new Date().toISOString() })).body.id as string;
    await stack.seller.post(`/v1/broadcasts/${show}/start`);
    const coupon = await stack.coupon(show, totalQuantity);
    return { show, coupon };
  }

  async function connect(user: string): Promise<Socket> {
    const s = io(stack.burst.url, { transports: ['websocket'], auth: { token: tokenFor(user, ['viewer']) }, reconnection: false, forceNew: true });
    sockets.push(s);
    await new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', reject);
    });
    return s;
  }

  const claim = (s: Socket, message: unknown) => s.timeout(10_000).emitWithAck('coupon.claim', message) as Promise<CouponClaimAck>;
  const claimPath = (show: string, coupon: string) => `/v1/broadcasts/${show}/coupons/${coupon}/claims`;

  /** the log's end offset of each partition of the claims topic, now */
  async function logEnds(): Promise<Map<number, bigint>> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
    } finally {
      await admin.disconnect();
    }
  }

  /** every claim record of the coupon in the log, by claimId, with where it sits */
  async function readBack(coupon: string, expected: number): Promise<Map<string, { partition: number; offset: bigint; value: CouponClaimedV1 }>> {
    const seen = new Map<string, { partition: number; offset: bigint; value: CouponClaimedV1 }>();
    const consumer = kafka.consumer({ groupId: `${env.topicPrefix}claims-channel-spec-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const value = recordJson<CouponClaimedV1>(message.value);
        if (value?.couponId === coupon) seen.set(value.claimId, { partition, offset: BigInt(message.offset), value });
      },
    });
    try {
      await waitFor(`${expected} claims read back from the log`, () => seen.size >= expected, { timeoutMs: 30_000 });
    } finally {
      await consumer.disconnect();
    }
    return seen;
  }

  it('acks a claim only once its record is in the Kafka log, refusals with the HTTP code and field', async () => {
    const { show, coupon } = await showWithCoupon(1);
    const user = `sock-claimer-${randomUUID()}`;
    const s = await connect(user);
    // not on offer yet: the same refusal as the HTTP 409
    expect(await claim(s, { broadcastId: show, couponId: coupon })).toMatchObject({ ok: false, code: 'NOT_EXPOSED', field: 'couponId' });
    await stack.seller.post(`/v1/broadcasts/${show}/coupons/${coupon}/expose`);
    // burst-api learns the exposure from the log; wait on its Redis state, not by claiming (each claim counts)
    await waitFor('coupon on offer in burst-api', async () => (await redis.hget(keys.coupon.state(show, coupon), 'exposed')) === '1');
    const won = await claim(s, { broadcastId: show, couponId: coupon });
    const endsAtAck = await logEnds();
    expect(won).toEqual({ ok: true, claimId: expect.any(String), remaining: 0 });
    if (!won.ok) return;
    const [record] = (await readBack(coupon, 1)).values();
    expect(record.value).toMatchObject({ claimId: won.claimId, userId: user, broadcastId: show, remaining: 0, ordinal: 1 });
    // the record was already below the log's end when the ack arrived
    expect(record.offset < (endsAtAck.get(record.partition) ?? 0n)).toBe(true);

    expect(await claim(s, { broadcastId: show, couponId: coupon })).toMatchObject({ ok: false, code: 'ALREADY_CLAIMED', field: 'couponId' });
    expect((await stack.as(user).post(claimPath(show, coupon))).body).toMatchObject({ code: 'ALREADY_CLAIMED' });
    const other = await connect(`late-${randomUUID()}`);
    expect(await claim(other, { broadcastId: show, couponId: coupon })).toMatchObject({ ok: false, code: 'SOLD_OUT', field: 'couponId' });
    expect(await claim(other, { broadcastId: show, couponId: 'not-a-uuid' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', field: 'couponId' });
    expect(await claim(other, { broadcastId: 'not an id', couponId: coupon })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', field: 'broadcastId' });
    expect(await claim(other, { broadcastId: show, couponId: randomUUID() })).toMatchObject({ ok: false, code: 'NOT_EXPOSED', field: 'couponId' });
  });

  it('never oversells with socket and HTTP claimers at once, one claim per viewer whichever channel', async () => {
    const { show, coupon } = await showWithCoupon(40);
    await stack.seller.post(`/v1/broadcasts/${show}/coupons/${coupon}/expose`);
    const probe = `probe-${randomUUID()}`;
    await waitFor('coupon on offer in burst-api', async () => (await stack.as(probe).post(claimPath(show, coupon))).status === 201);
    const users = Array.from({ length: 120 }, (_, i) => `both-${i}-${randomUUID().slice(0, 8)}`);
    const socketsByUser = await Promise.all(users.map((u) => connect(u)));
    // every viewer claims over the socket and over HTTP at the same moment
    const answers = await Promise.all(
      users.flatMap((u, i) => [
        claim(socketsByUser[i], { broadcastId: show, couponId: coupon }).then((a) => ({ user: u, won: a.ok, code: a.ok ? undefined : a.code })),
        stack
          .as(u)
          .post(claimPath(show, coupon))
          .then((r) => ({ user: u, won: r.status === 201, code: r.status === 201 ? undefined : (r.body.code as string) })),
      ]),
    );
    const winners = answers.filter((a) => a.won).map((a) => a.user);
    expect(winners).toHaveLength(39);
    expect(new Set(winners).size).toBe(39);
    expect(new Set(answers.filter((a) => !a.won).map((a) => a.code))).toEqual(new Set(['ALREADY_CLAIMED', 'SOLD_OUT']));
    await waitFor('40 claims persisted', async () => (await pg.query('SELECT count(*)::int AS n FROM burst.coupon_claims WHERE coupon_id = $1', [coupon])).rows[0].n === 40);
    const { rows } = await pg.query('SELECT user_id FROM burst.coupon_claims WHERE coupon_id = $1 GROUP BY user_id HAVING count(*) > 1', [coupon]);
    expect(rows).toEqual([]);
    expect((await readBack(coupon, 40)).size).toBe(40);
  });

  it("refuses a banned viewer's claim on both channels (the show's ban checked in the claim's one Redis call)", async () => {
    const { show, coupon } = await showWithCoupon(5);
    await stack.seller.post(`/v1/broadcasts/${show}/coupons/${coupon}/expose`);
    await waitFor('coupon on offer in burst-api', async () => (await redis.hget(keys.coupon.state(show, coupon), 'exposed')) === '1');
    const user = `troll-${randomUUID()}`;
    const admin = http(stack.management.url, tokenFor(`admin-${randomUUID()}`, ['admin']));
    expect((await admin.post(`/v1/broadcasts/${show}/bans`, { userId: user, reason: 'spam', durationSeconds: 600 })).status).toBe(201);
    await waitFor('ban in redis', async () => Number(await redis.hget(keys.broadcast.bans(show), user)) > Date.now());
    const s = await connect(user);
    expect(await claim(s, { broadcastId: show, couponId: coupon })).toMatchObject({ ok: false, code: 'BANNED' });
    const viaHttp = await stack.as(user).post(claimPath(show, coupon));
    expect(viaHttp.status).toBe(403);
    expect(viaHttp.body.code).toBe('BANNED');
    expect(await redis.hget(keys.coupon.state(show, coupon), 'remaining')).toBe('5');
    // an unbanned viewer still claims
    expect(await claim(await connect(`fan-${randomUUID()}`), { broadcastId: show, couponId: coupon })).toMatchObject({ ok: true, remaining: 4 });
  });

  it("limits a viewer's claims over the socket, RATE_LIMITED with retryAfter", async () => {
    const { show } = await showWithCoupon(5);
    const user = `eager-${randomUUID()}`;
    const s = await connect(user);
    // defaults: 10 claims per 10 s; coupons not on offer still count
    const acks = await Promise.all(Array.from({ length: 15 }, () => claim(s, { broadcastId: show, couponId: randomUUID() })));
    const codes = acks.map((a) => (a.ok ? 'OK' : a.code));
    expect(codes.filter((c) => c === 'NOT_EXPOSED')).toHaveLength(10);
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(5);
    expect(acks.find((a) => !a.ok && a.code === 'RATE_LIMITED')).toMatchObject({ retryAfter: expect.any(Number) });
    // another viewer is not limited by it
    const other = await connect(`calm-${randomUUID()}`);
    expect(await claim(other, { broadcastId: show, couponId: randomUUID() })).toMatchObject({ ok: false, code: 'NOT_EXPOSED' });
  });
});
