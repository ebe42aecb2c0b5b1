import { randomUUID } from 'node:crypto';
import { RedisService } from '@live/redis';
import { testEnv } from '@live/testing';
import { MirrorService } from '../src/mirror/mirror.service';

// The Redis mirror's two writers: lifecycle and moderation events (they write over what is
// there: the newest wins, events come in order per show) and the reconciler (it writes from a
// Postgres snapshot only what Redis lost, never over what an event wrote after that snapshot).
describe('MirrorService', () => {
  const env = testEnv();
  const redis = new RedisService({ url: env.redisUrl, phase: env.redisPhase, connectionName: 'mirror-int-spec', clusterNodes: env.redisClusterNodes });
  const keys = redis.keys;
  const mirror = new MirrorService(redis);
  const at = '2026-12-05T09:00:00.000Z';
  const base = () => ({ eventId: randomUUID(), occurredAt: at });

  afterAll(() => redis.onApplicationShutdown());

  it('lets a show go live over the reconciler’s older snapshot, which saw it scheduled', async () => {
    const show = randomUUID();
    const seller = `seller-${randomUUID()}`;
    const troll = `troll-${randomUUID()}`;
    // the events, in order: created, chat settings, started, a ban then lifted
    await mirror.apply([
      { ...base(), broadcastId: show, sellerId: seller, status: 'scheduled', at },
      { ...base(), broadcastId: show, slowModeSeconds: 5, displayBudgetPerSecond: 20 },
      { ...base(), broadcastId: show, sellerId: seller, status: 'live', at },
      { ...base(), action: 'ban', banId: randomUUID(), broadcastId: show, userId: troll, reason: 'spam', until: null },
    ]);
    // the reconciler read Postgres before those events were mirrored: scheduled, no slow mode
    await mirror.apply(
      [
        { ...base(), broadcastId: show, sellerId: seller, status: 'scheduled', at: '2026-12-05T08:00:00.000Z' },
        { ...base(), broadcastId: show, slowModeSeconds: 0, displayBudgetPerSecond: null },
        { ...base(), action: 'ban', banId: randomUUID(), broadcastId: show, userId: troll, reason: 'spam', until: '2030-01-01T00:00:00.000Z' },
      ],
      { fillOnly: true },
    );
    expect(await redis.client.get(keys.broadcast.status(show))).toBe('live');
    expect(await redis.client.get(keys.broadcast.startedAt(show))).toBe(String(Date.parse(at)));
    expect(await redis.client.hgetall(keys.broadcast.chatSettings(show))).toEqual({ slowModeSeconds: '5', displayBudgetPerSecond: '20' });
    expect(await redis.client.hget(keys.broadcast.bans(show), troll)).toBe('0');
  });

  it('fills in everything Redis lost, and events still write over what is there', async () => {
    const show = randomUUID();
    const seller = `seller-${randomUUID()}`;
    const troll = `troll-${randomUUID()}`;
    await mirror.apply(
      [
        { ...base(), broadcastId: show, sellerId: seller, status: 'live', at },
        { ...base(), broadcastId: show, slowModeSeconds: 3, displayBudgetPerSecond: null },
        { ...base(), action: 'ban', banId: randomUUID(), broadcastId: show, userId: troll, reason: 'spam', until: null },
      ],
      { fillOnly: true },
    );
    expect(await redis.client.get(keys.broadcast.status(show))).toBe('live');
    expect(await redis.client.get(keys.broadcast.seller(show))).toBe(seller);
    expect(await redis.client.get(keys.broadcast.startedAt(show))).toBe(String(Date.parse(at)));
    expect(await redis.client.hgetall(keys.broadcast.chatSettings(show))).toEqual({ slowModeSeconds: '3' });
    expect(await redis.client.hget(keys.broadcast.bans(show), troll)).toBe('0');

    await mirror.apply([
      { ...base(), broadcastId: show, sellerId: seller, status: 'ended', at },
      { ...base(), broadcastId: show, slowModeSeconds: 0, displayBudgetPerSecond: 10 },
      { ...base(), action: 'unban', banId: randomUUID(), broadcastId: show, userId: troll },
    ]);
    expect(await redis.client.get(keys.broadcast.status(show))).toBe('ended');
    expect(await redis.client.ttl(keys.broadcast.status(show))).toBeGreaterThan(0);
    expect(await redis.client.hgetall(keys.broadcast.chatSettings(show))).toEqual({ slowModeSeconds: '0', displayBudgetPerSecond: '10' });
    expect(await redis.client.hexists(keys.broadcast.bans(show), troll)).toBe(0);
  });
});
