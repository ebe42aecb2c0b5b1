import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { SocketRooms, Topics } from '@live/contracts';
import { KafkaService } from '@live/kafka';
import { randomUUID } from 'node:crypto';
import { RealtimeServer, RealtimeSocket } from '../realtime/realtime.server';
import { PresenceService } from './presence.service';

const ROOM_PREFIX = SocketRooms.broadcast('');

/**
 * Tells analytics who entered and left each show's room (`presence.viewer.changed.v1`), for
 * concurrent and unique viewers. A socket's first join of a room is `joined`; an explicit
 * leave or the disconnect is `left`. Best effort: nobody waits on it, and a gateway that
 * dies sends no `left` for its sockets (analytics then over-counts until the show ends).
 */
@Injectable()
export class PresenceLog implements OnModuleInit {
  private readonly logger = new Logger(PresenceLog.name);

  constructor(
    private readonly realtime: RealtimeServer,
    private readonly kafka: KafkaService,
    private readonly presence: PresenceService,
  ) {}

  onModuleInit(): void {
    this.realtime.handle((socket) => {
      socket.on('disconnecting', () => {
        for (const room of socket.rooms) if (room.startsWith(ROOM_PREFIX)) this.left(socket, room.slice(ROOM_PREFIX.length));
      });
    });
  }

  joined(socket: RealtimeSocket, broadcastId: string): void {
    this.send(socket, broadcastId, 'joined');
  }

  left(socket: RealtimeSocket, broadcastId: string): void {
    this.send(socket, broadcastId, 'left');
  }

  private send(socket: RealtimeSocket, broadcastId: string, change: 'joined' | 'left'): void {
    this.kafka
      .publish(Topics.ViewerPresence, broadcastId, {
        eventId: randomUUID(),
        occurredAt: new Date().toISOString(),
        broadcastId,
        viewerId: socket.data.user.sub,
        change,
        gatewayId: this.presence.gatewayId,
      })
      .catch((err: unknown) => this.logger.warn(`presence ${change} of ${broadcastId} not logged: ${err instanceof Error ? err.message : err}`));
  }
}
