import { Injectable } from '@nestjs/common';
import { BroadcastLifecycleV1, OverlayChangedV1, OverlayKeys, Overlay, SocketEvents, SocketRooms } from '@live/contracts';
import { RedisService } from '@live/redis';
import { RealtimeServer } from '../realtime/realtime.server';

type Change = OverlayChangedV1 | BroadcastLifecycleV1;

/**
 * Each show's current overlays, kept in Redis for join snapshots (ws-gateway owns the hash),
 * and their changes pushed to the show's room. Re-applying a change writes the same state;
 * clients key overlays by `key`, so a repeated show or hide changes nothing on screen.
 */
@Injectable()
export class OverlaysService {
  constructor(
    private readonly redis: RedisService,
    private readonly realtime: RealtimeServer,
  ) {}

  async apply(changes: Change[]): Promise<void> {
    const { keys, client } = this.redis;
    // state first (a joiner must not miss what we are about to announce), then the pushes
    const tx = client.multi();
    for (const c of changes) {
      if ('action' in c) {
        const key = keys.broadcast.overlays(c.broadcastId);
        if (c.action === 'show' && c.overlay) tx.hset(key, c.key, JSON.stringify(c.overlay));
        else tx.hdel(key, c.key);
      } else if (c.status === 'ended') {
        tx.del(keys.broadcast.overlays(c.broadcastId));
      }
    }
    await tx.exec();
    const io = this.realtime.server;
    for (const c of changes) {
      const room = io.to(SocketRooms.broadcast(c.broadcastId));
      if ('action' in c) {
        if (c.action === 'show') room.emit(SocketEvents.OverlayShow, c.overlay);
        else room.emit(SocketEvents.OverlayHide, { key: c.key });
      } else {
        room.emit(SocketEvents.BroadcastStatus, { broadcastId: c.broadcastId, status: c.status, at: c.at });
      }
    }
  }

  /** The overlays on screen now (expired ones left out), oldest first. */
  async current(broadcastId: string, now = Date.now()): Promise<Overlay[]> {
    const raw = await this.redis.client.hvals(this.redis.keys.broadcast.overlays(broadcastId));
    return raw
      .map((o) => JSON.parse(o) as Overlay)
      .filter((o) => !o.expiresAt || Date.parse(o.expiresAt) > now)
      .sort((a, b) => a.shownAt.localeCompare(b.shownAt));
  }

  /** The coupon and poll ids on screen in each of the shows, for their live counters. */
  async offers(broadcastIds: string[]): Promise<{ broadcastId: string; coupons: string[]; polls: string[] }[]> {
    if (broadcastIds.length === 0) return [];
    const pipe = this.redis.client.pipeline();
    for (const id of broadcastIds) pipe.hkeys(this.redis.keys.broadcast.overlays(id));
    const answers = (await pipe.exec()) ?? [];
    return broadcastIds.map((broadcastId, i) => {
      const slots = ((answers[i]?.[1] as string[] | undefined) ?? []).map((k) => OverlayKeys.parse(k));
      return {
        broadcastId,
        coupons: slots.flatMap((s) => (s?.kind === 'coupon' && s.id ? [s.id] : [])),
        polls: slots.flatMap((s) => (s?.kind === 'poll' && s.id ? [s.id] : [])),
      };
    });
  }
}
