import { CountersService, retainOnly } from './counters.service';

/** A socket.io server as far as the counters see it: rooms, and local emits recorded. */
function fakeServer(rooms: string[]) {
  const emitted: [string, string, unknown][] = [];
  const roomMap = new Map(rooms.map((r) => [r, new Set(['s'])]));
  const server = {
    of: () => ({ adapter: { rooms: roomMap } }),
    local: { to: (room: string) => ({ emit: (event: string, payload: unknown) => emitted.push([room, event, payload]) }) },
  };
  return { server, roomMap, emitted };
}

describe('CountersService', () => {
  it('pushes a figure when it changes, and forgets what it pushed for rooms and offers gone', async () => {
    const io = fakeServer(['broadcast:a', 'broadcast:b']);
    const offers = new Map([
      ['a', { coupons: ['c1'], polls: ['p1'] }],
      ['b', { coupons: ['c2'], polls: [] as string[] }],
    ]);
    const counters = new CountersService(
      { server: io.server } as never,
      { offers: async (ids: string[]) => ids.map((broadcastId) => ({ broadcastId, ...(offers.get(broadcastId) ?? { coupons: [], polls: [] }) })) } as never,
      {
        heartTotals: async (ids: string[]) => ids.map(() => 5),
        couponStock: async (ids: unknown[]) => ids.map(() => 9),
        pollTallies: async (ids: unknown[]) => ids.map(() => [1, 2]),
      } as never,
    );

    await counters.tick();
    expect(io.emitted.map(([room, event]) => `${room} ${event}`).sort()).toEqual([
      'broadcast:a coupon.stock',
      'broadcast:a hearts.count',
      'broadcast:a poll.tally',
      'broadcast:b coupon.stock',
      'broadcast:b hearts.count',
    ]);
    await counters.tick();
    expect(io.emitted).toHaveLength(5); // nothing changed, nothing pushed

    io.roomMap.delete('broadcast:b');
    offers.set('a', { coupons: [], polls: ['p1'] });
    await counters.tick();
    expect([...counters.lastHearts.keys()]).toEqual(['a']);
    expect([...counters.lastStock.keys()]).toEqual([]);
    expect([...counters.lastTally.keys()]).toEqual(['p1']);
  });
});

describe('CountersService at show end', () => {
  it('pushes no hearts.count {total: 0} when Redis has no total (an ended show whose total went)', async () => {
    const io = fakeServer(['broadcast:a']);
    let total: number | null = 42;
    const counters = new CountersService(
      { server: io.server } as never,
      { offers: async (ids: string[]) => ids.map((broadcastId) => ({ broadcastId, coupons: [], polls: [] })) } as never,
      { heartTotals: async (ids: string[]) => ids.map(() => total), couponStock: async () => [], pollTallies: async () => [] } as never,
    );
    await counters.tick();
    total = null;
    await counters.tick();
    expect(io.emitted).toEqual([['broadcast:a', 'hearts.count', { broadcastId: 'a', total: 42 }]]);
  });
});

describe('retainOnly', () => {
  it('keeps the wanted keys only', () => {
    const m = new Map([
      ['x', 1],
      ['y', 2],
    ]);
    retainOnly(m, new Set(['y', 'z']));
    expect([...m]).toEqual([['y', 2]]);
  });
});
