import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HeartsCount, SocketEvents, SocketRooms } from '@live/contracts';
import { RedisService } from '@live/redis';
import { RealtimeServer } from '../realtime/realtime.server';

export const COUNTERS_INTERVAL_MS = 500;
const ROOM_PREFIX = SocketRooms.broadcast('');

/**
 * Aggregated counters for the rooms this gateway has viewers in: every 500 ms one Redis
 * round trip reads the heart totals, and a room whose total changed gets one `hearts.count`
 * -- never one event per tap. Each gateway pushes to its own sockets only (`local`).
 */
@Injectable()
export class CountersService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CountersService.name);
  private timer?: NodeJS.Timeout;
  private readonly lastHearts = new Map<string, number>();

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
    const totals = await this.redis.client.mget(shows.map((s) => this.redis.keys.broadcast.hearts(s)));
    shows.forEach((show, i) => {
      const total = Number(totals[i] ?? 0);
      if (this.lastHearts.get(show) === total) return;
      this.lastHearts.set(show, total);
      const payload: HeartsCount = { broadcastId: show, total };
      io.local.to(SocketRooms.broadcast(show)).emit(SocketEvents.HeartsCount, payload);
    });
  }
}
