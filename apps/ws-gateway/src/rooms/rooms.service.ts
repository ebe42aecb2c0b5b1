import { Injectable } from '@nestjs/common';
import { JoinSnapshot } from '@live/contracts';
import { ChatLog } from '@live/chat-data-access';
import { RedisService } from '@live/redis';
import { OverlaysService } from '../overlays/overlays.service';

/** What a late joiner needs to draw the room, from Redis only. */
@Injectable()
export class RoomsService {
  constructor(
    private readonly redis: RedisService,
    private readonly overlays: OverlaysService,
    private readonly chatLog: ChatLog,
  ) {}

  /** The status management mirrors, the overlays on screen, the recent chat; undefined: no such show. */
  async snapshot(broadcastId: string): Promise<JoinSnapshot | undefined> {
    const now = Date.now();
    const [status, overlays, recentChat] = await Promise.all([
      this.redis.client.get(this.redis.keys.broadcast.status(broadcastId)),
      this.overlays.current(broadcastId, now),
      this.chatLog.recent(broadcastId),
    ]);
    if (!status) return undefined;
    return { broadcastId, status: status as JoinSnapshot['status'], overlays, recentChat, serverTime: new Date(now).toISOString() };
  }
}
