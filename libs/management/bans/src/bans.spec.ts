import { redisKeys } from '@live/contracts';
import type { RedisService } from '@live/redis';
import { Bans, GLOBAL_BANS_MAX_AGE_MS, banActive } from './bans';

/** Just the two hashes Bans reads, in memory (the integration specs use the real Redis). */
function fakeRedis(hashes: Record<string, Record<string, string>>) {
  const reads: string[] = [];
  const client = {
    hgetall: async (key: string) => (reads.push(`hgetall ${key}`), { ...(hashes[key] ?? {}) }),
    hget: async (key: string, field: string) => (reads.push(`hget ${key}`), hashes[key]?.[field] ?? null),
  };
  return { redis: { client, keys: redisKeys('unit') } as unknown as RedisService, reads };
}

describe('banActive', () => {
  it('reads the mirrored value: 0 = for good, epoch ms = until then, absent = not banned', () => {
    expect(banActive('0', 1_000)).toBe(true);
    expect(banActive('2000', 1_000)).toBe(true);
    expect(banActive('500', 1_000)).toBe(false);
    expect(banActive(null, 1_000)).toBe(false);
    expect(banActive(undefined, 1_000)).toBe(false);
  });
});

describe('Bans', () => {
  const keys = redisKeys('unit');

  it('answers a show ban from the show hash and a global ban from the process copy', async () => {
    const { redis, reads } = fakeRedis({ [keys.globalBans()]: { spammer: '0' }, [keys.broadcast.bans('b1')]: { troll: '0' } });
    const bans = new Bans(redis);
    await bans.refresh();
    reads.length = 0;
    expect(await bans.banned('b1', 'troll')).toBe(true);
    expect(await bans.banned('b2', 'troll')).toBe(false);
    expect(await bans.banned('b2', 'spammer')).toBe(true);
    expect(await bans.banned('b1', 'fan')).toBe(false);
    // the global answers came from the copy: only the show hashes were read
    expect(new Set(reads)).toEqual(new Set([`hget ${keys.broadcast.bans('b1')}`, `hget ${keys.broadcast.bans('b2')}`]));
  });

  it('reads Redis instead of a copy older than the bound (refresh failing)', async () => {
    const hashes: Record<string, Record<string, string>> = { [keys.globalBans()]: {} };
    const { redis, reads } = fakeRedis(hashes);
    const bans = new Bans(redis);
    await bans.refresh();
    hashes[keys.globalBans()] = { late: '0' }; // banned after the last refresh
    expect(await bans.globallyBanned('late')).toBe(false); // within the bound: the copy
    expect(await bans.globallyBanned('late', Date.now() + GLOBAL_BANS_MAX_AGE_MS + 1)).toBe(true);
    expect(reads).toContain(`hget ${keys.globalBans()}`);
  });
});
