import { Injectable, OnModuleInit } from '@nestjs/common';
import { Ack, SocketEvents, SocketRooms } from '@live/contracts';
import { RedisService } from '@live/redis';
import { RealtimeServer, RealtimeSocket, SocketUser } from '../realtime/realtime.server';
import { RoomRequest, invalid } from '../rooms/rooms.dto';

/** The live scoreboard room (`stats.tick` from analytics): operators, admins and the show's seller. */
@Injectable()
export class StatsGateway implements OnModuleInit {
  constructor(
    private readonly realtime: RealtimeServer,
    private readonly redis: RedisService,
  ) {}

  onModuleInit(): void {
    this.realtime.handle((socket) => {
      this.realtime.on(socket, SocketEvents.StatsJoin, (payload) => this.join(socket, payload));
      this.realtime.on(socket, SocketEvents.StatsLeave, (payload) => this.leave(socket, payload));
    });
  }

  async join(socket: RealtimeSocket, payload: unknown): Promise<Ack<object>> {
    const req = RoomRequest.safeParse(payload);
    if (!req.success) return invalid(req.error.issues[0]);
    const { broadcastId } = req.data;
    const user: SocketUser = socket.data.user;
    let allowed = !user.anonymous && user.roles.some((r) => r === 'admin' || r === 'operator');
    if (!allowed && !user.anonymous && user.roles.includes('seller')) {
      allowed = (await this.redis.client.get(this.redis.keys.broadcast.seller(broadcastId))) === user.sub;
    }
    if (!allowed) return { ok: false, code: 'FORBIDDEN', message: "live stats are for operators, admins and the show's seller", field: 'broadcastId' };
    await socket.join(SocketRooms.broadcastAdmin(broadcastId));
    return { ok: true };
  }

  async leave(socket: RealtimeSocket, payload: unknown): Promise<Ack<object>> {
    const req = RoomRequest.safeParse(payload);
    if (!req.success) return invalid(req.error.issues[0]);
    await socket.leave(SocketRooms.broadcastAdmin(req.data.broadcastId));
    return { ok: true };
  }
}
