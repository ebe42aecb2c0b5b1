import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { answerAck } from '@live/errors';
import { Ack, ChatLine, JoinSnapshot, SocketEvents, SocketRooms } from '@live/contracts';
import { ChatLog } from '@live/chat-data-access';
import { PresenceLog } from '../presence/presence-log.service';
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
  ) {}

  private readonly logger = new Logger('Rooms');

  private failed(err: unknown): void {
    this.logger.warn(`socket event failed: ${err instanceof Error ? err.message : String(err)}`);
  }

  onModuleInit(): void {
    this.realtime.handle((socket) => {
      socket.on(SocketEvents.Join, (payload: unknown, ack?: (a: JoinAck) => void) => answerAck(this.join(socket, payload), ack, (err) => this.failed(err)));
      socket.on(SocketEvents.Leave, (payload: unknown, ack?: (a: Ack<object>) => void) => answerAck(this.leave(socket, payload), ack, (err) => this.failed(err)));
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
