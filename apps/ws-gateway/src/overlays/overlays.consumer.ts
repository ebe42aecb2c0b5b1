import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { SocketEvents, SocketRooms, Topics } from '@live/contracts';
import { KafkaService } from '@live/kafka';
import { RedisService } from '@live/redis';
import { RealtimeServer } from '../realtime/realtime.server';

/**
 * Keeps each show's current overlays in Redis (for join snapshots) and pushes changes to
 * the show's room. One gateway of the group handles a partition; the Redis adapter carries
 * the emit to viewers on every gateway. Redelivery re-applies the same state (idempotent);
 * clients key overlays by `key`, so a repeated show or hide changes nothing on screen.
 */
@Injectable()
export class OverlaysConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly kafka: KafkaService,
    private readonly redis: RedisService,
    private readonly realtime: RealtimeServer,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { keys } = this.redis;
    await this.kafka
      .createConsumer({
        groupId: 'ws-gateway.overlays',
        topics: [Topics.OverlayChanged, Topics.BroadcastLifecycle],
        handleBatch: async (events) => {
          // state first (a joiner must not miss what we are about to announce), then the pushes
          const tx = this.redis.multiPerSlot();
          for (const { value } of events) {
            if ('action' in value) {
              const key = keys.broadcast.overlays(value.broadcastId);
              if (value.action === 'show' && value.overlay) tx.hset(key, value.key, JSON.stringify(value.overlay));
              else tx.hdel(key, value.key);
            } else if (value.status === 'ended') {
              tx.del(keys.broadcast.overlays(value.broadcastId));
            }
          }
          await tx.exec();
          const io = this.realtime.server;
          for (const { value } of events) {
            const room = io.to(SocketRooms.broadcast(value.broadcastId));
            if ('action' in value) {
              if (value.action === 'show') room.emit(SocketEvents.OverlayShow, value.overlay);
              else room.emit(SocketEvents.OverlayHide, { key: value.key });
            } else {
              room.emit(SocketEvents.BroadcastStatus, { broadcastId: value.broadcastId, status: value.status, at: value.at });
            }
          }
        },
      })
      .start();
  }
}
