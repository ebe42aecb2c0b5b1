import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { answerAck } from '@live/errors';
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

  private readonly logger = new Logger('Stats');

  private failed(err: unknown): void {
    this.logger.warn(`socket event failed: ${err instanceof Error ? err.message : String(err)}`);
  }

  onModuleInit(): void {
    this.realtime.handle((socket) => {
      socket.on(SocketEvents.StatsJoin, (payload: unknown, ack?: (a: Ack<object>) => void) => answerAck(this.join(socket, payload), ack, (err) => this.failed(err)));
      socket.on(SocketEvents.StatsLeave, (payload: unknown, ack?: (a: Ack<object>) => void) => answerAck(this.leave(socket, payload), ack, (err) => this.failed(err)));
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
