import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CouponStock, HeartsCount, SocketEvents, SocketRooms } from '@live/contracts';
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
    const read = client.multi().mget(shows.map((s) => keys.broadcast.hearts(s)));
    for (const show of shows) read.hkeys(keys.broadcast.overlays(show));
    const [[, totals], ...overlayKeys] = ((await read.exec()) ?? []) as [unknown, unknown][];
    shows.forEach((show, i) => {
      const total = Number((totals as (string | null)[])[i] ?? 0);
      if (this.lastHearts.get(show) === total) return;
      this.lastHearts.set(show, total);
      const payload: HeartsCount = { broadcastId: show, total };
      io.local.to(SocketRooms.broadcast(show)).emit(SocketEvents.HeartsCount, payload);
    });

    const coupons = shows.flatMap((show, i) =>
      ((overlayKeys[i]?.[1] as string[]) ?? []).filter((k) => k.startsWith('coupon:')).map((k) => ({ show, couponId: k.slice('coupon:'.length) })),
    );
    if (coupons.length === 0) return;
    const stock = client.multi();
    for (const c of coupons) stock.hget(keys.coupon.state(c.couponId), 'remaining');
    const remaining = ((await stock.exec()) ?? []) as [unknown, string | null][];
    coupons.forEach((c, i) => {
      const left = remaining[i]?.[1];
      if (left === null || left === undefined || this.lastStock.get(c.couponId) === Number(left)) return;
      this.lastStock.set(c.couponId, Number(left));
      const payload: CouponStock = { broadcastId: c.show, couponId: c.couponId, remaining: Number(left) };
      io.local.to(SocketRooms.broadcast(c.show)).emit(SocketEvents.CouponStock, payload);
    });
  }
}
