import calculateSlot from 'cluster-key-slot';
import { redisKeys } from './redis-keys';

describe('redisKeys', () => {
  it('namespaces every key by phase', () => {
    const keys = redisKeys('test-42');
    expect(keys.broadcast.status('b1')).toBe('live|test-42|broadcast:{b1}:status');
    expect(keys.pattern).toBe('live|test-42|*');
    for (const k of [keys.globalBans(), keys.chat.rate('b1', 'u1'), keys.coupon.state('b1', 'c1'), keys.socketIoChannel()]) {
      expect(k.startsWith('live|test-42|')).toBe(true);
    }
  });

  it('refuses a phase that could break out of the namespace', () => {
    expect(() => redisKeys('dev|x')).toThrow(/invalid Redis phase/);
    expect(() => redisKeys('')).toThrow(/invalid Redis phase/);
  });

  describe('Redis Cluster hash slots', () => {
    const keys = redisKeys('test-42');
    /** every key a Lua script or MULTI touches for one show, its coupons and its polls */
    const showKeys = (show: string, coupon = 'c-1', poll = 'p-1', user = 'u-1') => [
      // heartsUnlogged takes a bucket (a second): the same show, the same slot
      ...Object.values(keys.broadcast).map((build) => build(show, 1_700_000_000)),
      keys.coupon.state(show, coupon),
      keys.coupon.claims(show, coupon),
      keys.poll.state(show, poll),
      keys.poll.voters(show, poll),
      keys.poll.tally(show, poll),
      keys.hearts.batch(show, user, 'batch-1'),
      keys.analytics.uniqueViewers(show),
    ];

    it('puts every key of a broadcast in one slot', () => {
      for (const show of ['b1', 'show-2', '0b4c6f7e-3a51-4c2e-9d8b-5a0f1e2d3c4b']) {
        const slots = new Set(showKeys(show).map((k) => calculateSlot(k)));
        expect(slots.size).toBe(1);
        expect(calculateSlot.generateMulti(showKeys(show))).toBe(calculateSlot(show));
      }
    });

    it('keeps user-supplied parts from moving a key out of its show slot', () => {
      const hostile = showKeys('b1', '{x}', '{y}', '{evil}');
      expect(new Set(hostile.map((k) => calculateSlot(k))).size).toBe(1);
      expect(calculateSlot(keys.hearts.batch('b1', '{u}', '{b}'))).toBe(calculateSlot('b1'));
    });

    it('spreads different broadcasts over different slots', () => {
      const slots = new Set(Array.from({ length: 50 }, (_, i) => calculateSlot(keys.broadcast.hearts(`show-${i}`))));
      expect(slots.size).toBeGreaterThan(40);
    });

    it('keeps platform-wide and per-viewer keys out of any show slot', () => {
      expect(keys.globalBans()).not.toContain('{');
      expect(keys.chat.rate('b1', 'u1')).not.toContain('{');
      expect(keys.chat.idempotency('u1', 'm1')).not.toContain('{');
    });

    it('refuses an empty broadcast id (an empty tag would scatter the show)', () => {
      expect(() => keys.broadcast.status('')).toThrow(/empty broadcast id/);
      expect(() => keys.coupon.state('', 'c1')).toThrow(/empty broadcast id/);
    });
  });
});
