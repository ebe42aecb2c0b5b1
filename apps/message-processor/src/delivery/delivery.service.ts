import { Injectable } from '@nestjs/common';
import { ChatAcceptedV1 } from '@live/contracts';
import { ChatMessageRepository } from '@live/chat-data-access';
import { RedisService } from '@live/redis';

/** Lines kept per show for join snapshots. */
export const RECENT_CHAT_LIMIT = 50;

@Injectable()
export class DeliveryService {
  constructor(
    private readonly messages: ChatMessageRepository,
    private readonly redis: RedisService,
  ) {}

  /**
   * Persists a batch (idempotent on messageId), then updates each show's recent lines and
   * count for the messages that were new. Redelivery after a crash inserts nothing and so
   * counts nothing twice.
   */
  async persist(batch: ChatAcceptedV1[]): Promise<{ stored: number }> {
    // a producer retry can put the same message twice into one Kafka batch
    const unique = [...new Map(batch.map((m) => [m.messageId, m])).values()];
    const inserted = await this.messages.insertMany(unique);
    if (inserted.size === 0) return { stored: 0 };
    const fresh = unique.filter((m) => inserted.has(m.messageId));
    const { keys } = this.redis;
    const pipeline = this.redis.client.multi();
    const perShow = new Map<string, ChatAcceptedV1[]>();
    for (const m of fresh) perShow.set(m.broadcastId, [...(perShow.get(m.broadcastId) ?? []), m]);
    for (const [broadcastId, lines] of perShow) {
      const recent = keys.broadcast.recentChat(broadcastId);
      pipeline.rpush(recent, ...lines.map((l) => JSON.stringify(l)));
      pipeline.ltrim(recent, -RECENT_CHAT_LIMIT, -1);
      pipeline.incrby(keys.broadcast.chatCount(broadcastId), lines.length);
    }
    await pipeline.exec();
    return { stored: fresh.length };
  }
}
