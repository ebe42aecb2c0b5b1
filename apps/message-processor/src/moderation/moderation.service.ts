import { Injectable, Logger } from '@nestjs/common';
import { ChatDeleted, ModerationActionV1, SocketEvents, SocketRooms } from '@live/contracts';
import { ChatLog, ChatMessageRepository } from '@live/chat-data-access';
import { RedisService } from '@live/redis';

type MessageDeleted = Extract<ModerationActionV1, { action: 'message.deleted' }>;

/**
 * A moderator deleted a chat line: the stored record keeps it, marked deleted (replay leaves
 * it out); it leaves the show's chat log (late joiners and resyncs no longer get it); and
 * every viewer's screen drops it (`chat.deleted`). All idempotent: a redelivery finds the
 * record marked, the line gone, and re-sends a deletion clients ignore.
 */
@Injectable()
export class ModerationService {
  private readonly logger = new Logger(ModerationService.name);

  constructor(
    private readonly messages: ChatMessageRepository,
    private readonly chatLog: ChatLog,
    private readonly redis: RedisService,
  ) {}

  async deleteLines(deletions: MessageDeleted[]): Promise<void> {
    if (deletions.length === 0) return;
    await this.messages.markDeleted(deletions.map((d) => d.messageId));
    for (const d of deletions) {
      const removed = await this.chatLog.remove(d.broadcastId, d.messageId);
      const payload: ChatDeleted = { broadcastId: d.broadcastId, messageId: d.messageId };
      this.redis.rooms.to(SocketRooms.broadcast(d.broadcastId)).emit(SocketEvents.ChatDeleted, payload);
      this.logger.debug(`deleted ${d.messageId} of ${d.broadcastId}${removed ? '' : ' (not in the chat log)'}`);
    }
  }
}
