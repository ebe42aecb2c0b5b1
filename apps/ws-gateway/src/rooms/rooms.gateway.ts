import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { RateLimits, limitFromEnv } from '@live/bootstrap';
import { Ack, ChatLine, JoinSnapshot, SocketEvents, SocketRooms } from '@live/contracts';
import { ChatLog } from '@live/chat-data-access';
import { PresenceLog } from '../presence/presence-log.service';
import { AppConfig } from '../app.config';
import { RealtimeServer, RealtimeSocket } from '../realtime/realtime.server';
import { JoinRequest, RoomRequest, invalid } from './rooms.dto';
import { RoomsService } from './rooms.service';

type JoinAck = Ack<{ snapshot: JoinSnapshot; missed?: { lines: ChatLine[]; complete: boolean } }>;

/** `join` / `leave` of a show's room; the join acknowledgement carries the snapshot. */
@Injectable()
export class RoomsGateway implements OnModuleInit {
  constructor(
    private readonly realtime: RealtimeServer,
    private readonly rooms: RoomsService,
    private readonly chatLog: ChatLog,
    private readonly presenceLog: PresenceLog,
    private readonly limits: RateLimits,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.realtime.handle((socket) => {
      this.realtime.on(socket, SocketEvents.Join, (payload) => this.join(socket, payload));
      this.realtime.on(socket, SocketEvents.Leave, (payload) => this.leave(socket, payload));
    });
  }

  async join(socket: RealtimeSocket, payload: unknown): Promise<JoinAck> {
    const req = JoinRequest.safeParse(payload);
    if (!req.success) return invalid(req.error.issues[0]);
    const { broadcastId, lastSeq } = req.data;
    // join first, read after: a line sent in between arrives twice rather than never
    // (clients dedupe by messageId)
    const room = SocketRooms.broadcast(broadcastId);
    const already = socket.rooms.has(room);
    if (!already) {
      // the socket's own room counts too
      if (socket.rooms.size > this.config.WS_MAX_ROOMS_PER_SOCKET) {
        return { ok: false, code: 'TOO_MANY_ROOMS', message: `a socket may be in at most ${this.config.WS_MAX_ROOMS_PER_SOCKET} shows; leave one first`, field: 'broadcastId' };
      }
      const { limited, retryAfter } = await this.limits.hit('ws.join', socket.data.user.sub, limitFromEnv('ws_join_user', { limit: 30, seconds: 10 }));
      if (limited) return { ok: false, code: 'RATE_LIMITED', message: `too many joins; retry in ${retryAfter} s`, field: 'broadcastId' };
    }
    await socket.join(room);
    const [snapshot, missed] = await Promise.all([this.rooms.snapshot(broadcastId), lastSeq ? this.chatLog.after(broadcastId, lastSeq) : undefined]);
    if (!snapshot) {
      if (!already) await socket.leave(room);
      return { ok: false, code: 'NOT_FOUND', message: 'broadcast not found', field: 'broadcastId' };
    }
    if (!already) this.presenceLog.joined(socket, broadcastId);
    return { ok: true, snapshot, ...(missed ? { missed } : {}) };
  }

  async leave(socket: RealtimeSocket, payload: unknown): Promise<Ack<object>> {
    const req = RoomRequest.safeParse(payload);
    if (!req.success) return invalid(req.error.issues[0]);
    const room = SocketRooms.broadcast(req.data.broadcastId);
    if (socket.rooms.has(room)) this.presenceLog.left(socket, req.data.broadcastId);
    await socket.leave(room);
    return { ok: true };
  }
}
