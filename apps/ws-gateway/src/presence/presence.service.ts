import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SocketEvents, SocketRooms, ViewersCount } from '@live/contracts';
import { RedisService } from '@live/redis';
import { randomUUID } from 'node:crypto';
import { RealtimeServer } from '../realtime/realtime.server';

export const PRESENCE_INTERVAL_MS = 2_000;
/** a gateway that has not reported for this long no longer counts (it died) */
export const PRESENCE_STALE_MS = 30_000;
const ROOM_PREFIX = SocketRooms.broadcast('');

/**
 * Concurrent viewers per show, summed over every gateway: each gateway writes its own count
 * into the show's hash every 2 s with a timestamp, sums the fresh entries, and pushes the
 * total to its own sockets of the room (`local`, so no viewer gets it twice).
 */
@Injectable()
export class PresenceService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PresenceService.name);
  readonly gatewayId = randomUUID();
  private timer?: NodeJS.Timeout;
  private reported = new Set<string>();

  constructor(
    private readonly realtime: RealtimeServer,
    private readonly redis: RedisService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick().catch((err) => this.logger.warn(`presence: ${err.message}`)), PRESENCE_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    // leave at once instead of waiting to go stale
    const tx = this.redis.multiPerSlot();
    for (const show of this.reported) tx.hdel(this.redis.keys.broadcast.viewers(show), this.gatewayId);
    await tx.exec().catch(() => undefined);
  }

  async tick(now = Date.now()): Promise<void> {
    const io = this.realtime.server;
    const local = new Map<string, number>();
    for (const [room, sockets] of io.of('/').adapter.rooms) {
      if (room.startsWith(ROOM_PREFIX)) local.set(room.slice(ROOM_PREFIX.length), sockets.size);
    }
    const shows = new Set([...local.keys(), ...this.reported]);
    if (shows.size === 0) return;
    const { keys, client } = this.redis;
    // one MULTI per show (one cluster slot each), in parallel
    const results = await Promise.all(
      [...shows].map((show) => {
        const write = client.multi();
        const key = keys.broadcast.viewers(show);
        const count = local.get(show) ?? 0;
        if (count > 0) write.hset(key, this.gatewayId, `${count}:${now}`).pexpire(key, PRESENCE_STALE_MS * 2);
        else write.hdel(key, this.gatewayId);
        return write.hgetall(key).exec();
      }),
    );
    const totals = results.map((r) => (r?.[r.length - 1]?.[1] ?? {}) as Record<string, string>);
    const cleanup = this.redis.multiPerSlot();
    [...shows].forEach((show, i) => {
      let total = 0;
      for (const [gateway, value] of Object.entries(totals[i] ?? {})) {
        const [count, at] = value.split(':').map(Number);
        if (now - at > PRESENCE_STALE_MS) cleanup.hdel(keys.broadcast.viewers(show), gateway);
        else total += count;
      }
      if (local.get(show)) {
        const payload: ViewersCount = { broadcastId: show, count: total };
        io.local.to(SocketRooms.broadcast(show)).emit(SocketEvents.ViewersCount, payload);
      }
    });
    await cleanup.exec();
    this.reported = new Set(local.keys());
  }
}
