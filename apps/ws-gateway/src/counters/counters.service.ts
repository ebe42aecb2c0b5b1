import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CouponStock, HeartsCount, PollTally, SocketEvents, SocketRooms } from '@live/contracts';
import { RedisService } from '@live/redis';
import { RealtimeServer } from '../realtime/realtime.server';

export const COUNTERS_INTERVAL_MS = 500;
const ROOM_PREFIX = SocketRooms.broadcast('');

/**
 * Aggregated counters for the rooms this gateway has viewers in: every 500 ms a couple of
 * Redis round trips read the heart totals and the stock of the exposed coupons, and a room
 * gets `hearts.count` / `coupon.stock` when a figure changed -- never one event per tap or
 * claim. Each gateway pushes to its own sockets only (`local`).
 */
@Injectable()
export class CountersService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CountersService.name);
  private timer?: NodeJS.Timeout;
  private readonly lastHearts = new Map<string, number>();
  private readonly lastStock = new Map<string, number>();
  private readonly lastTally = new Map<string, string>();

  constructor(
    private readonly realtime: RealtimeServer,
    private readonly redis: RedisService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick().catch((err) => this.logger.warn(`counters: ${err.message}`)), COUNTERS_INTERVAL_MS);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async tick(): Promise<void> {
    const io = this.realtime.server;
    const shows = [...io.of('/').adapter.rooms.keys()].filter((r) => r.startsWith(ROOM_PREFIX)).map((r) => r.slice(ROOM_PREFIX.length));
    for (const show of this.lastHearts.keys()) if (!shows.includes(show)) this.lastHearts.delete(show);
    if (shows.length === 0) return;
    const { keys, client } = this.redis;
    // single reads, not one MULTI: shows sit in different cluster slots (autopipelining still
    // sends a tick's reads in one write per node)
    const read = await Promise.all(shows.map((s) => Promise.all([client.get(keys.broadcast.hearts(s)), client.hkeys(keys.broadcast.overlays(s))])));
    const totals = read.map(([total]) => total);
    const overlayKeys = read.map(([, overlays]) => [null, overlays] as [unknown, unknown]);
    shows.forEach((show, i) => {
      const total = Number((totals as (string | null)[])[i] ?? 0);
      if (this.lastHearts.get(show) === total) return;
      this.lastHearts.set(show, total);
      const payload: HeartsCount = { broadcastId: show, total };
      io.local.to(SocketRooms.broadcast(show)).emit(SocketEvents.HeartsCount, payload);
    });

    const slots = (prefix: string) =>
      shows.flatMap((show, i) => ((overlayKeys[i]?.[1] as string[]) ?? []).filter((k) => k.startsWith(prefix)).map((k) => ({ show, id: k.slice(prefix.length) })));
    const coupons = slots('coupon:').map((c) => ({ show: c.show, couponId: c.id }));
    const polls = slots('poll:');
    if (coupons.length === 0 && polls.length === 0) return;
    const answers = (
      await Promise.all([
        ...coupons.map((c) => client.hget(keys.coupon.state(c.show, c.couponId), 'remaining')),
        ...polls.flatMap((p) => [client.hgetall(keys.poll.tally(p.show, p.id)), client.hget(keys.poll.state(p.show, p.id), 'options')]),
      ])
    ).map((v) => [null, v]) as [unknown, unknown][];
    const remaining = answers.slice(0, coupons.length) as [unknown, string | null][];
    polls.forEach((p, i) => {
      const tally = (answers[coupons.length + 2 * i]?.[1] ?? {}) as Record<string, string>;
      const options = Number(answers[coupons.length + 2 * i + 1]?.[1] ?? 0);
      if (!options) return;
      const votes = Array.from({ length: options }, (_, o) => Number(tally[String(o)] ?? 0));
      const key = JSON.stringify(votes);
      if (this.lastTally.get(p.id) === key) return;
      this.lastTally.set(p.id, key);
      const payload: PollTally = { broadcastId: p.show, pollId: p.id, votes };
      io.local.to(SocketRooms.broadcast(p.show)).emit(SocketEvents.PollTally, payload);
    });
    coupons.forEach((c, i) => {
      const left = remaining[i]?.[1];
      if (left === null || left === undefined || this.lastStock.get(c.couponId) === Number(left)) return;
      this.lastStock.set(c.couponId, Number(left));
      const payload: CouponStock = { broadcastId: c.show, couponId: c.couponId, remaining: Number(left) };
      io.local.to(SocketRooms.broadcast(c.show)).emit(SocketEvents.CouponStock, payload);
    });
  }
}
