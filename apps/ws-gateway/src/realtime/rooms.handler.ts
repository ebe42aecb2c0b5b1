import { Injectable, OnModuleInit } from '@nestjs/common';
import { Ack, ChatLine, JoinSnapshot, Overlay, SocketEvents, SocketRooms } from '@live/contracts';
import { RedisService } from '@live/redis';
import { z } from 'zod';
import { ChatLog } from '../chat/chat-log';
import { PresenceLog } from '../presence/presence-log';
import { RealtimeServer, RealtimeSocket, SocketUser } from './realtime.server';

const JoinRequest = z
  .object({
    broadcastId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a broadcast id'),
    /** reconnecting: the seq of the last chat line seen; the ack carries what came after */
    lastSeq: z.string().regex(/^\d{1,20}-\d{1,20}$/, 'must be the seq of a chat line').optional(),
  })
  .strict();

const StatsRequest = JoinRequest.pick({ broadcastId: true }).strict();

type JoinAck = Ack<{ snapshot: JoinSnapshot; missed?: { lines: ChatLine[]; complete: boolean } }>;

const invalid = (issue: z.core.$ZodIssue): Ack<never> => ({
  ok: false,
  code: 'VALIDATION_FAILED',
  message: `${issue.path.join('.') || 'payload'}: ${issue.message}`,
  field: issue.path.join('.') || 'payload',
});

/** `join` / `leave` of a show's room; the join acknowledgement carries the snapshot. */
@Injectable()
export class RoomsHandler implements OnModuleInit {
  constructor(
    private readonly realtime: RealtimeServer,
    private readonly redis: RedisService,
    private readonly chatLog: ChatLog,
    private readonly presenceLog: PresenceLog,
  ) {}

  onModuleInit(): void {
    this.realtime.handle((socket) => {
      socket.on(SocketEvents.Join, (payload: unknown, ack?: (a: JoinAck) => void) =>
        void this.join(socket, payload).then((a) => ack?.(a)),
      );
      socket.on(SocketEvents.Leave, async (payload: unknown, ack?: (a: Ack<object>) => void) => {
        const req = JoinRequest.pick({ broadcastId: true }).safeParse(payload);
        if (!req.success) return ack?.(invalid(req.error.issues[0]));
        const room = SocketRooms.broadcast(req.data.broadcastId);
        if (socket.rooms.has(room)) this.presenceLog.left(socket, req.data.broadcastId);
        await socket.leave(room);
        ack?.({ ok: true });
      });
      socket.on(SocketEvents.StatsJoin, (payload: unknown, ack?: (a: Ack<object>) => void) => void this.joinStats(socket, payload).then((a) => ack?.(a)));
      socket.on(SocketEvents.StatsLeave, async (payload: unknown, ack?: (a: Ack<object>) => void) => {
        const req = StatsRequest.safeParse(payload);
        if (!req.success) return ack?.(invalid(req.error.issues[0]));
        await socket.leave(SocketRooms.broadcastAdmin(req.data.broadcastId));
        ack?.({ ok: true });
      });
    });
  }

  private async join(socket: RealtimeSocket, payload: unknown): Promise<JoinAck> {
    const req = JoinRequest.safeParse(payload);
    if (!req.success) return invalid(req.error.issues[0]);
    const { broadcastId, lastSeq } = req.data;
    // join first, read after: a line sent in between arrives twice rather than never
    // (clients dedupe by messageId)
    const room = SocketRooms.broadcast(broadcastId);
    const already = socket.rooms.has(room);
    await socket.join(room);
    const [snapshot, missed] = await Promise.all([this.snapshot(broadcastId), lastSeq ? this.chatLog.after(broadcastId, lastSeq) : undefined]);
    if (!snapshot) {
      if (!already) await socket.leave(room);
      return { ok: false, code: 'NOT_FOUND', message: 'broadcast not found', field: 'broadcastId' };
    }
    if (!already) this.presenceLog.joined(socket, broadcastId);
    return { ok: true, snapshot, ...(missed ? { missed } : {}) };
  }

  /** The live scoreboard (`stats.tick` from analytics) is for operators, admins and the show's seller. */
  private async joinStats(socket: RealtimeSocket, payload: unknown): Promise<Ack<object>> {
    const req = StatsRequest.safeParse(payload);
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

  /** Built from Redis only: management mirrors the status, the overlay consumer the overlays. */
  async snapshot(broadcastId: string): Promise<JoinSnapshot | undefined> {
    const { keys, client } = this.redis;
    const [status, overlays, recentChat] = await Promise.all([
      client.get(keys.broadcast.status(broadcastId)),
      client.hvals(keys.broadcast.overlays(broadcastId)),
      this.chatLog.recent(broadcastId),
    ]);
    if (!status) return undefined;
    const now = Date.now();
    const live = overlays
      .map((o) => JSON.parse(o) as Overlay)
      .filter((o) => !o.expiresAt || Date.parse(o.expiresAt) > now)
      .sort((a, b) => a.shownAt.localeCompare(b.shownAt));
    return { broadcastId, status: status as JoinSnapshot['status'], overlays: live, recentChat, serverTime: new Date(now).toISOString() };
  }
}
