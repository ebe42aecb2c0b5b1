import { randomUUID } from 'node:crypto';
import { RedisService } from '../src';
import { testEnv, waitFor } from '@live/testing';
import calculateSlot from 'cluster-key-slot';

// RedisService as the apps use it: against the single Redis, and in the cluster pass of
// `npm test` (REDIS_CLUSTER_NODES set) against the local 3-master Redis Cluster.
describe(`RedisService (${testEnv().redisClusterNodes ? 'Redis Cluster' : 'single Redis'})`, () => {
  const env = testEnv();
  const redis = new RedisService({ url: env.redisUrl, phase: env.redisPhase, connectionName: 'redis-int-spec', clusterNodes: env.redisClusterNodes });
  const k = redis.keys;
  const newShow = () => `s-${randomUUID()}`;
  redis.client.defineCommand('liveSpecTouchAll', { lua: "for i = 1, #KEYS do redis.call('SET', KEYS[i], ARGV[1]) end return #KEYS" });

  afterAll(() => redis.onApplicationShutdown());

  it('refuses a script defined after start-up (a late one can hang an auto-pipelined client)', () => {
    const late = new RedisService({ url: env.redisUrl, phase: env.redisPhase, connectionName: 'redis-int-spec-late', clusterNodes: env.redisClusterNodes });
    try {
      late.client.defineCommand('liveEarly', { numberOfKeys: 1, lua: "return redis.call('GET', KEYS[1])" });
      late.onApplicationBootstrap();
      expect(() => late.client.defineCommand('liveLate', { numberOfKeys: 1, lua: "return redis.call('GET', KEYS[1])" })).toThrow(/liveLate defined after start-up/);
      expect(typeof (late.client as unknown as Record<string, unknown>).liveEarly).toBe('function');
    } finally {
      late.client.disconnect();
    }
  });

  it('is ready when every master answers', async () => {
    await waitFor('ping', () => redis.ping().then(() => true));
    expect(redis.cluster).toBe(Boolean(env.redisClusterNodes));
  });

  it('runs a MULTI and a script over one show, its coupons, polls and heart batches', async () => {
    const show = newShow();
    const res = await redis.client
      .multi()
      .set(k.broadcast.status(show), 'live')
      .sadd(k.broadcast.coupons(show), 'c1')
      .hset(k.coupon.state(show, 'c1'), 'remaining', '3')
      .hset(k.poll.tally(show, 'p1'), '0', '1')
      .incrby(k.broadcast.hearts(show), 2)
      .exec();
    expect(res?.map(([err]) => err)).toEqual([null, null, null, null, null]);
    const keys = [k.broadcast.status(show), k.coupon.state(show, 'c1'), k.poll.tally(show, 'p1'), k.hearts.batch(show, 'u1', 'b1'), k.broadcast.bans(show)];
    const touched = await redis.client.eval(
      "redis.call('SET', KEYS[4], 'x') return {redis.call('GET', KEYS[1]), redis.call('HGET', KEYS[2], 'remaining'), redis.call('HGET', KEYS[3], '0')}",
      keys.length,
      ...keys,
    );
    expect(touched).toEqual(['live', '3', '1']);
  });

  it('routes a script whose calls give their own key count by its keys, among other commands of the tick', async () => {
    // defined as the burst scripts are: no numberOfKeys, the count is each call's first argument
    const shows = Array.from({ length: 24 }, newShow);
    const results = await Promise.all(
      shows.flatMap((show) => {
        const keys = [k.broadcast.status(show), k.hearts.batch(show, 'u1', 'b1'), k.hearts.batch(show, 'u2', 'b2')];
        const run = (redis.client as unknown as { liveSpecTouchAll(...a: (string | number)[]): Promise<number> }).liveSpecTouchAll;
        return [run.call(redis.client, keys.length, ...keys, 'x'), redis.client.set(k.broadcast.hearts(show), '1'), redis.client.get(k.broadcast.status(show))];
      }),
    );
    expect(results.filter((_, i) => i % 3 === 0)).toEqual(shows.map(() => 3));
  });

  it('writes a batch spanning shows per slot, and reads across shows with single commands', async () => {
    const shows = Array.from({ length: 24 }, newShow);
    expect(new Set(shows.map((s) => calculateSlot(k.broadcast.status(s)))).size).toBeGreaterThan(1);
    const tx = redis.multiPerSlot();
    for (const s of shows) tx.set(k.broadcast.status(s), 'live').hset(k.broadcast.bans(s), 'troll', '0');
    await tx.exec();
    expect(await Promise.all(shows.map((s) => redis.client.get(k.broadcast.status(s))))).toEqual(shows.map(() => 'live'));
    expect(await Promise.all(shows.map((s) => redis.client.hget(k.broadcast.bans(s), 'troll')))).toEqual(shows.map(() => '0'));
  });

  (env.redisClusterNodes ? it : it.skip)('refuses one MULTI across shows (why multiPerSlot exists)', async () => {
    const a = newShow();
    let b = newShow();
    while (calculateSlot(b) === calculateSlot(a)) b = newShow();
    await expect(redis.client.multi().set(k.broadcast.status(a), 'x').set(k.broadcast.status(b), 'x').exec()).rejects.toThrow(/CROSSSLOT|EXECABORT|same slot/i);
  });

  it('carries pub/sub over a duplicate() connection (what the socket.io adapter uses)', async () => {
    const sub = redis.duplicate('sub');
    const channel = `${k.socketIoChannel()}#test-${randomUUID()}`;
    const got: string[] = [];
    sub.on('message', (c: string, m: string) => c === channel && got.push(m));
    await sub.subscribe(channel);
    await waitFor('message through pub/sub', async () => {
      await redis.client.publish(channel, 'hello');
      return got.length > 0;
    });
    expect(got[0]).toBe('hello');
    sub.disconnect();
  });
});
