import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { BurstCounters } from '@live/burst-data-access';
import { CouponStock, HeartsCount, PollTally, SocketEvents, SocketRooms } from '@live/contracts';
import { OverlaysService } from '../overlays/overlays.service';
import { RealtimeServer } from '../realtime/realtime.server';

export const COUNTERS_INTERVAL_MS = 500;
const ROOM_PREFIX = SocketRooms.broadcast('');

/** Keeps only the entries whose key is still wanted: what was pushed for rooms now gone goes. */
export function retainOnly<K, V>(map: Map<K, V>, wanted: ReadonlySet<K>): void {
  for (const key of map.keys()) if (!wanted.has(key)) map.delete(key);
}

/**
 * Aggregated counters for the rooms this gateway has viewers in: every 500 ms a few Redis
 * round trips read the heart totals, the stock of the exposed coupons and the tallies of the
 * open polls (burst-api's figures, through its lib's reader), and a room gets `hearts.count`
 * / `coupon.stock` / `poll.tally` when a figure changed -- never one event per tap, claim or
 * vote. Each gateway pushes to its own sockets only (`local`). What it last pushed is kept
 * only for the rooms, coupons and polls still on screen here.
 */
@Injectable()
export class CountersService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CountersService.name);
  private timer?: NodeJS.Timeout;
  readonly lastHearts = new Map<string, number>();
  readonly lastStock = new Map<string, number>();
  readonly lastTally = new Map<string, string>();

  constructor(
    private readonly realtime: RealtimeServer,
    private readonly overlays: OverlaysService,
    private readonly burst: BurstCounters,
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
    const [totals, offers] = await Promise.all([this.burst.heartTotals(shows), this.overlays.offers(shows)]);
    shows.forEach((broadcastId, i) => {
      const total = totals[i];
      // no total in Redis is not a total of 0 (an ended show's may be gone): nothing to push
      if (total === null || this.lastHearts.get(broadcastId) === total) return;
      this.lastHearts.set(broadcastId, total);
      const payload: HeartsCount = { broadcastId, total };
      io.local.to(SocketRooms.broadcast(broadcastId)).emit(SocketEvents.HeartsCount, payload);
    });

    const coupons = offers.flatMap((o) => o.coupons.map((couponId) => ({ broadcastId: o.broadcastId, couponId })));
    const polls = offers.flatMap((o) => o.polls.map((pollId) => ({ broadcastId: o.broadcastId, pollId })));
    const [stock, tallies] = await Promise.all([this.burst.couponStock(coupons), this.burst.pollTallies(polls)]);
    coupons.forEach((c, i) => {
      const remaining = stock[i];
      if (remaining === null || this.lastStock.get(c.couponId) === remaining) return;
      this.lastStock.set(c.couponId, remaining);
      const payload: CouponStock = { broadcastId: c.broadcastId, couponId: c.couponId, remaining };
      io.local.to(SocketRooms.broadcast(c.broadcastId)).emit(SocketEvents.CouponStock, payload);
    });
    polls.forEach((p, i) => {
      const votes = tallies[i];
      if (!votes) return;
      const key = JSON.stringify(votes);
      if (this.lastTally.get(p.pollId) === key) return;
      this.lastTally.set(p.pollId, key);
      const payload: PollTally = { broadcastId: p.broadcastId, pollId: p.pollId, votes };
      io.local.to(SocketRooms.broadcast(p.broadcastId)).emit(SocketEvents.PollTally, payload);
    });

    retainOnly(this.lastHearts, new Set(shows));
    retainOnly(this.lastStock, new Set(coupons.map((c) => c.couponId)));
    retainOnly(this.lastTally, new Set(polls.map((p) => p.pollId)));
  }
}
