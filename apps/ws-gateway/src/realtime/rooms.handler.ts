import { Injectable, OnModuleInit } from '@nestjs/common';
import { Ack, JoinSnapshot, Overlay, SocketEvents, SocketRooms } from '@live/contracts';
import { RedisService } from '@live/redis';
import { z } from 'zod';
import { RealtimeServer, RealtimeSocket } from './realtime.server';

const JoinRequest = z.object({ broadcastId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a broadcast id') }).strict();

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
  ) {}

  onModuleInit(): void {
    this.realtime.handle((socket) => {
      socket.on(SocketEvents.Join, (payload: unknown, ack?: (a: Ack<{ snapshot: JoinSnapshot }>) => void) =>
        void this.join(socket, payload).then((a) => ack?.(a)),
      );
      socket.on(SocketEvents.Leave, async (payload: unknown, ack?: (a: Ack<object>) => void) => {
        const req = JoinRequest.safeParse(payload);
        if (!req.success) return ack?.(invalid(req.error.issues[0]));
        await socket.leave(SocketRooms.broadcast(req.data.broadcastId));
        ack?.({ ok: true });
      });
    });
  }

  private async join(socket: RealtimeSocket, payload: unknown): Promise<Ack<{ snapshot: JoinSnapshot }>> {
    const req = JoinRequest.safeParse(payload);
    if (!req.success) return invalid(req.error.issues[0]);
    const { broadcastId } = req.data;
    const snapshot = await this.snapshot(broadcastId);
    if (!snapshot) return { ok: false, code: 'NOT_FOUND', message: 'broadcast not found', field: 'broadcastId' };
    await socket.join(SocketRooms.broadcast(broadcastId));
    return { ok: true, snapshot };
  }

  /** Built from Redis only: management mirrors the status, the overlay consumer the overlays. */
  async snapshot(broadcastId: string): Promise<JoinSnapshot | undefined> {
    const { keys, client } = this.redis;
    const [status, overlays] = await Promise.all([
      client.get(keys.broadcast.status(broadcastId)),
      client.hvals(keys.broadcast.overlays(broadcastId)),
    ]);
    if (!status) return undefined;
    const now = Date.now();
    const live = overlays
      .map((o) => JSON.parse(o) as Overlay)
      .filter((o) => !o.expiresAt || Date.parse(o.expiresAt) > now)
      .sort((a, b) => a.shownAt.localeCompare(b.shownAt));
    return { broadcastId, status: status as JoinSnapshot['status'], overlays: live, serverTime: new Date(now).toISOString() };
  }
}
