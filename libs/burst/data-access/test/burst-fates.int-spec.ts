import { randomUUID } from 'node:crypto';
import { RedisService } from '@live/redis';
import { testEnv, waitFor } from '@live/testing';
import { BurstFates } from '../src';

// BurstFates on a client with auto-pipelining, as the apps run it: its first settle comes while
// other commands of the process are queued in the same pipeline (a claim consumer's batch in the
// middle of a heart spike). The client must go on answering afterwards.
describe('BurstFates', () => {
  const env = testEnv();
  const redis = new RedisService({ url: env.redisUrl, phase: env.redisPhase, connectionName: 'burst-fates-int-spec', clusterNodes: env.redisClusterNodes });
  const fates = new BurstFates(redis); // built at start-up, before any traffic, as Nest builds it
  afterAll(() => redis.onApplicationShutdown());

  it('settles its first claims while other commands are queued, and the client keeps answering', async () => {
    await waitFor('redis', () => redis.ping().then(() => true));
    const show = `s-${randomUUID()}`;
    const voided = `c-${randomUUID()}`;
    await redis.client.set(redis.keys.coupon.claimFate(show, voided), 'void');
    // traffic: a command queued in this tick's pipeline, then the first settle in the same tick
    const queued = redis.client.get(redis.keys.broadcast.status(show));
    const settled = fates.settleClaims([
      { broadcastId: show, claimId: `c-${randomUUID()}` },
      { broadcastId: show, claimId: voided },
    ]);
    expect(await settled).toEqual([true, false]);
    expect(await queued).toBeNull();
    // the next pipeline of the process still goes out (before the fix it waited forever)
    const after = await Promise.race([redis.client.get(redis.keys.coupon.claimFate(show, voided)), new Promise((r) => setTimeout(() => r('no answer in 5 s'), 5_000).unref())]);
    expect(after).toBe('void');
  });

  it('settles a batch of several shows and more events than one script call takes, each in its place', async () => {
    const [a, b] = [`s-${randomUUID()}`, `s-${randomUUID()}`];
    // 300 claims of show a (more than one call's 256) interleaved with 10 of show b; some of each voided
    const claims = Array.from({ length: 310 }, (_, i) => ({ broadcastId: i % 31 === 0 ? b : a, claimId: `c-${i}-${randomUUID()}` }));
    const voided = new Set([0, 1, 62, 257, 299, 300]); // 0 and 62 are show b's; 299 and 300 lie past a's first call
    for (const i of voided) await redis.client.set(redis.keys.coupon.claimFate(claims[i].broadcastId, claims[i].claimId), 'void');
    const settled = await fates.settleClaims(claims);
    expect(settled).toEqual(claims.map((_, i) => !voided.has(i)));
    // settled again (a redelivered batch): the same answers, and a kept fate stays kept
    expect(await fates.settleClaims(claims)).toEqual(settled);
    expect(await redis.client.get(redis.keys.coupon.claimFate(a, claims[2].claimId))).toBe('kept');
    expect(await redis.client.ttl(redis.keys.coupon.claimFate(a, claims[2].claimId))).toBeGreaterThan(0);
    expect(await fates.settleVotes([])).toEqual([]);
  });
});
