import { randomUUID } from 'node:crypto';
import { StatsTick, Topics, redisKeys } from '@live/contracts';
import { AppProcess, Viewer, http, sleep, testEnv, testRedis, tokenFor, waitFor } from '@live/testing';
import { Kafka, Producer, logLevel } from 'kafkajs';
import { Produced, ShowStream, shuffle } from './show-stream';

// analytics on the real broker, Postgres and Redis: known streams with duplicates,
// out-of-order and late events give exactly the figures counted from the input; a SIGKILL
// mid-stream changes nothing; the live scoreboard reaches admins only.
describe('analytics', () => {
  const env = testEnv();
  const keys = redisKeys(env.redisPhase);
  const redis = testRedis();
  const admin = tokenFor('admin-1', ['admin']);
  let analytics: AppProcess;
  let producer: Producer;

  beforeAll(async () => {
    producer = new Kafka({ brokers: env.kafkaBrokers, logLevel: logLevel.NOTHING }).producer();
    [analytics] = await Promise.all([AppProcess.start('analytics'), producer.connect()]);
  });

  afterAll(async () => {
    redis.disconnect();
    await producer.disconnect();
    await analytics?.stop();
  });

  const api = (token = admin) => http(analytics.url, token);
  const send = (events: Produced[]) => {
    const byTopic = new Map<string, Produced[]>();
    for (const e of events) (byTopic.get(e.topic) ?? byTopic.set(e.topic, []).get(e.topic)!).push(e);
    return producer.sendBatch({
      topicMessages: [...byTopic].map(([topic, list]) => ({
        topic: `${env.topicPrefix}${topic}`,
        messages: list.map((e) => ({ key: e.key, value: JSON.stringify(e.value) })),
      })),
    });
  };
  const lifecycle = (show: string, sellerId: string, status: string, at: number): Produced => ({
    topic: Topics.BroadcastLifecycle,
    key: show,
    value: { eventId: randomUUID(), occurredAt: new Date(at).toISOString(), broadcastId: show, sellerId, status, at: new Date(at).toISOString() },
  });
  /** The aggregator has committed everything produced so far, on every topic it reads. */
  const caughtUp = async () => {
    const kafkaAdmin = new Kafka({ brokers: env.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
    await kafkaAdmin.connect();
    try {
      const topics = [Topics.ChatAccepted, Topics.ChatSampled, Topics.HeartsTapped, Topics.HeartsTappedV2, Topics.CouponClaimed, Topics.PollVoted, Topics.ViewerPresence].map((t) => `${env.topicPrefix}${t}`);
      await waitFor('aggregator caught up', async () => {
        const committed = await kafkaAdmin.fetchOffsets({ groupId: `${env.topicPrefix}analytics.aggregate`, topics });
        for (const { topic, partitions } of committed) {
          const ends = await kafkaAdmin.fetchTopicOffsets(topic);
          for (const end of ends) {
            const done = partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
            if (end.high !== '0' && BigInt(done) < BigInt(end.high)) return false;
          }
        }
        return true;
      }, { timeoutMs: 30_000 });
    } finally {
      await kafkaAdmin.disconnect();
    }
  };
  const report = async (show: string) => (await api().get(`/v1/broadcasts/${show}/report`)).body;

  it('counts known streams exactly through duplicates, reordering and late events', async () => {
    const show = randomUUID();
    const seller = `seller-${randomUUID()}`;
    const s = new ShowStream(show);
    const now = Date.now();
    const t0 = now - 55_000; // every event within the allowed lateness (60 s) of being produced now
    const at = (ms: number) => t0 + ms;
    const users = Array.from({ length: 8 }, (_, i) => `u${i}`);
    const messages: string[] = [];
    for (let i = 0; i < 40; i++) messages.push(s.chat(users[i % 8 === 0 ? 0 : i % 5], at(i * 1_000)));
    s.sampled(at(20_500), messages.slice(0, 20).filter((_, i) => i % 3 !== 0), messages.slice(0, 20).filter((_, i) => i % 3 === 0));
    s.sampled(at(40_500), messages.slice(20, 35), messages.slice(35));
    for (let i = 0; i < 30; i++) s.tap(users[i % 6], at(i * 1_500 + 300), Array.from({ length: 1 + (i % 7) }, (_, k) => i * 900 + k * 150));
    const [couponA, couponB, poll] = [randomUUID(), randomUUID(), randomUUID()];
    for (let i = 0; i < 12; i++) s.claim(users[i % 7], i < 8 ? couponA : couponB, at(30_000 + i * 400));
    for (let i = 0; i < 15; i++) s.vote(`voter-${i}`, poll, i % 3 === 0 ? 2 : i % 2, at(45_000 + i * 200));
    for (let i = 0; i < 10; i++) s.join(`viewer-${i}`, at(2_000 + i * 2_500));
    s.join('viewer-3', at(33_000)); // a second device of the same viewer: concurrent, not unique
    for (const i of [1, 4, 6, 9]) s.leave(`viewer-${i}`, at(36_000 + i * 1_000));
    s.late('u1', now - 90_000);
    s.late('u2', now - 75_000);

    // duplicates: every fourth event again, and the first sampled window replayed with the
    // opposite decisions (the first decision per line stands)
    const dupes = s.events.filter((_, i) => i % 4 === 0).map((e) => ({ ...e, value: { ...e.value } }));
    const firstWindow = s.events.find((e) => e.topic === Topics.ChatSampled)!.value;
    dupes.push({ topic: Topics.ChatSampled, key: show, value: { ...firstWindow, eventId: randomUUID(), shown: firstWindow.suppressed, suppressed: firstWindow.shown } });
    await send([lifecycle(show, seller, 'scheduled', now - 120_000), lifecycle(show, seller, 'live', now - 60_000)]);
    // in a shuffled order, with copies within the same batches; then, once all of it is
    // counted, the copies again (a replay reaching batches of its own)
    const all = shuffle([...s.events, ...dupes]);
    for (let i = 0; i < all.length; i += 40) await send(all.slice(i, i + 40));
    await waitFor('every event counted', async () => (await report(show))?.totals?.events === s.totals.events, { timeoutMs: 30_000 });
    await send(shuffle(dupes, 7));
    await caughtUp();
    const r = await report(show);
    expect(r.lateDropped).toBe(s.lateDropped);
    expect(r.totals).toEqual(s.totals);
    expect(r.status).toBe('live');
    expect(r.final).toBe(false);
    const sortDesc = (m: Map<string, number>) => [...m].map(([userId, count]) => ({ userId, count })).sort((a, b) => b.count - a.count || a.userId.localeCompare(b.userId));
    expect(r.topChatters).toEqual(sortDesc(s.chats).slice(0, 10));
    expect(r.topTappers).toEqual(sortDesc(s.hearts).slice(0, 10));
    expect(r.coupons).toMatchObject({ claims: 12, claimers: s.claims.size, claimsPerViewer: Number((12 / s.claims.size).toFixed(3)) });
    expect(new Map(r.coupons.byCoupon.map((c: { couponId: string; claims: number }) => [c.couponId, c.claims]))).toEqual(s.coupons);
    expect(r.polls).toEqual([{ pollId: poll, votes: s.polls.get(poll) }]);
    const viewers = s.viewerFigures();
    expect(r.viewers).toMatchObject({ concurrent: viewers.concurrent, peak: viewers.peak, average: viewers.average });
    expect(r.viewers.unique).toBe(s.viewers.size); // HyperLogLog: exact at this size, an estimate (±0.81%) beyond

    // per minute and per second: every window equals the input's, and the minutes sum to the totals
    const minutes = (await api().get(`/v1/broadcasts/${show}/stats?granularity=1m`)).body.windows;
    expect(new Map(minutes.map(({ start, concurrentViewers: _c, peakViewers: _p, ...f }: Record<string, number>) => [Date.parse(String(start)), f]))).toEqual(s.minutes);
    const from = new Date(t0 - 1_000).toISOString();
    const to = new Date(now + 1_000).toISOString();
    const seconds = (await api().get(`/v1/broadcasts/${show}/stats?granularity=1s&from=${from}&to=${to}`)).body.windows;
    expect(new Map(seconds.map(({ start, concurrentViewers: _c, peakViewers: _p, ...f }: Record<string, number>) => [Date.parse(String(start)), f]))).toEqual(s.seconds);
    expect(Math.max(...seconds.map((w: { peakViewers: number }) => w.peakViewers))).toBe(viewers.peak);

    const heatmap = (await api().get(`/v1/broadcasts/${show}/heatmap`)).body;
    expect(new Map(heatmap.seconds.map((b: { videoSecond: number; hearts: number }) => [b.videoSecond, b.hearts]))).toEqual(s.heatmap);
    expect(heatmap.totalHearts).toBe(s.totals.hearts);

    // the end (its time more than the allowed lateness ago): the report is final, totals = sum of minutes
    await send([lifecycle(show, seller, 'ended', Date.now() - 61_000)]);
    const final = await waitFor('final report', async () => ((await report(show)).final ? report(show) : undefined));
    expect(final.totals).toEqual(s.totals);
    expect(final.status).toBe('ended');
    expect(final.viewers.unique).toBe(s.viewers.size);
    expect(final.minutes).toBe(s.minutes.size);

    // who may read it, and bad input
    expect((await api(tokenFor(seller, ['seller'])).get(`/v1/broadcasts/${show}/report`)).status).toBe(200);
    expect((await api(tokenFor('someone-else', ['seller'])).get(`/v1/broadcasts/${show}/report`)).status).toBe(403);
    expect((await api(tokenFor('v', ['viewer'])).get(`/v1/broadcasts/${show}/heatmap`)).status).toBe(403);
    expect((await http(analytics.url).get(`/v1/broadcasts/${show}/stats`)).status).toBe(401);
    expect((await api().get(`/v1/broadcasts/${randomUUID()}/report`)).status).toBe(404);
    for (const [query, field] of [
      ['granularity=5m', 'granularity'],
      ['granularity=1s', 'from'],
      [`from=${to}&to=${from}`, 'to'],
      ['from=yesterday', 'from'],
      ['window=1', 'window'],
    ]) {
      const res = await api().get(`/v1/broadcasts/${show}/stats?${query}`);
      expect({ status: res.status, code: res.body.code, field: res.body.field }).toEqual({ status: 400, code: 'VALIDATION_FAILED', field });
    }
  });

  it('skips the claims and votes burst-api gave back, though their events reached the log', async () => {
    const show = randomUUID();
    const s = new ShowStream(show);
    const [coupon, poll] = [randomUUID(), randomUUID()];
    const now = Date.now();
    s.claim('kept-claimer', coupon, now - 2_000);
    s.vote('kept-voter', poll, 1, now - 2_000);
    // what burst-api does when a publish fails: void the claim and the vote (stock and vote
    // given back, 503 to the client) -- while the broker took the events all the same
    const ghost = (topic: string, body: Record<string, unknown>): Produced => ({ topic: topic as Produced['topic'], key: show, value: { eventId: randomUUID(), occurredAt: new Date(now - 1_000).toISOString(), broadcastId: show, ...body } });
    const voidedClaim = randomUUID();
    const voidedVote = randomUUID();
    await redis.set(keys.coupon.claimFate(show, voidedClaim), 'void', 'EX', 600);
    await redis.set(keys.poll.voteFate(show, voidedVote), 'void', 'EX', 600);
    await send([lifecycle(show, `seller-${randomUUID()}`, 'live', now - 10_000)]);
    await send([
      ghost(Topics.CouponClaimed, { claimId: voidedClaim, couponId: coupon, userId: 'refused-claimer', ordinal: 1, remaining: 0 }),
      ghost(Topics.PollVoted, { voteId: voidedVote, pollId: poll, userId: 'refused-voter', option: 2 }),
      ...s.events,
    ]);
    await caughtUp();
    const r = await report(show);
    expect(r.totals).toMatchObject({ couponClaims: 1, pollVotes: 1 });
    expect(r.coupons).toMatchObject({ claims: 1, claimers: 1 });
    expect(r.polls).toEqual([{ pollId: poll, votes: [0, 1] }]); // option 2 only in the voided vote
    // the counted ones are settled: burst-api can no longer give them back (it answers 201)
    const claimId = s.events.find((e) => e.topic === Topics.CouponClaimed)!.value.claimId as string;
    const voteId = s.events.find((e) => e.topic === Topics.PollVoted)!.value.voteId as string;
    expect(await redis.get(keys.coupon.claimFate(show, claimId))).toBe('kept');
    expect(await redis.get(keys.poll.voteFate(show, voteId))).toBe('kept');
  });

  it('stays exact when the process is killed with SIGKILL mid-stream and restarted', async () => {
    const show = randomUUID();
    const s = new ShowStream(show);
    const start = Date.now();
    const sending = (async () => {
      // ~6 s of traffic, each chunk sent twice (a producer retrying)
      for (let chunk = 0; chunk < 60; chunk++) {
        const before = s.events.length;
        for (let i = 0; i < 40; i++) {
          const at = Date.now() - (i % 5) * 700; // a little out of order
          if (i % 2) s.tap(`u${i % 9}`, at, [chunk * 1_000 + i, chunk * 1_000 + i + 50]);
          else s.chat(`u${i % 7}`, at);
        }
        const fresh = s.events.slice(before);
        await send(fresh);
        await send(fresh.filter((_, i) => i % 3 === 0));
        await sleep(100);
      }
    })();
    await waitFor('counting under way', async () => ((await report(show))?.totals?.events ?? 0) > 200, { timeoutMs: 20_000 });
    const killed = await analytics.stop('SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    const countedBeforeKill = s.events.length;
    await sleep(500);
    analytics = await AppProcess.start('analytics');
    await sending;
    expect(countedBeforeKill).toBeLessThan(s.events.length); // the kill landed mid-stream
    const r = await waitFor('caught up', async () => {
      const body = await report(show);
      return body?.totals?.events === s.totals.events ? body : undefined;
    }, { timeoutMs: 60_000 });
    expect(r.totals).toEqual(s.totals);
    await sleep(1_500); // nothing more arrives later either
    expect((await report(show)).totals).toEqual(s.totals);
    expect(Date.now() - start).toBeLessThan(120_000);
  });

  it('ticks the scoreboard every second to admins and the owning seller, never to viewers', async () => {
    const gateway = await AppProcess.start('ws-gateway', { WS_ALLOW_ANONYMOUS: 'true' });
    const show = randomUUID();
    const seller = `seller-${randomUUID()}`;
    await redis.set(keys.broadcast.status(show), 'live');
    await redis.set(keys.broadcast.seller(show), seller); // what management's mirror writes
    const sockets: Viewer[] = [];
    try {
      const open = (token?: string) => {
        const v = new Viewer(gateway.url, token);
        sockets.push(v);
        return v;
      };
      const staff = open(admin);
      const owner = open(tokenFor(seller, ['seller']));
      const viewer = open(tokenFor('fan', ['viewer']));
      const stranger = open(tokenFor('other-seller', ['seller']));
      const join = async (v: Viewer) => {
        await v.connected();
        return v.socket.timeout(10_000).emitWithAck('stats.join', { broadcastId: show });
      };
      expect(await join(staff)).toEqual({ ok: true });
      expect(await join(owner)).toEqual({ ok: true });
      expect(await join(viewer)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      expect(await join(stranger)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      expect(await join(open())).toMatchObject({ ok: false, code: 'FORBIDDEN' });

      // a viewer entering the room reaches the scoreboard through the gateway's presence events
      expect((await viewer.join(show)).ok).toBe(true);
      const tick: StatsTick = await staff.waitForEvent('stats.tick', (t: StatsTick) => t.broadcastId === show && t.totals.viewersJoined === 1, 20_000);
      expect(tick.totals).toMatchObject({ concurrentViewers: 1, peakViewers: 1, uniqueViewers: 1 });
      await owner.waitForEvent('stats.tick', (t: StatsTick) => t.broadcastId === show);
      await sleep(2_500);
      const ticks = staff.events('stats.tick').filter((t: StatsTick) => t.broadcastId === show);
      const gaps = ticks.slice(1).map((t: StatsTick, i: number) => Date.parse(t.at) - Date.parse(ticks[i].at));
      expect(gaps.every((g: number) => g >= 900 && g <= 1_600)).toBe(true);
      expect(viewer.events('stats.tick')).toHaveLength(0);
      expect(stranger.events('stats.tick')).toHaveLength(0);

      viewer.close();
      await staff.waitForEvent('stats.tick', (t: StatsTick) => t.broadcastId === show && t.totals.viewersLeft === 1 && t.totals.concurrentViewers === 0, 20_000);
    } finally {
      sockets.forEach((v) => v.close());
      await gateway.stop();
    }
  });
});
