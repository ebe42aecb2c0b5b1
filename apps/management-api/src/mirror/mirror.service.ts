import { Injectable } from '@nestjs/common';
import { BroadcastChatSettingsV1, BroadcastLifecycleV1, ModerationActionV1 } from '@live/contracts';
import { RedisService } from '@live/redis';

/** How long the status of an ended show stays readable in Redis. */
const ENDED_TTL_SECONDS = 24 * 3600;

export type MirroredEvent = BroadcastLifecycleV1 | ModerationActionV1 | BroadcastChatSettingsV1;

/**
 * Mirrors what other services check on every request -- is the show live, is this user
 * banned, the chat settings -- into Redis, from management's own committed events.
 * Idempotent: replaying an event writes the same value again.
 */
@Injectable()
export class MirrorService {
  constructor(private readonly redis: RedisService) {}

  async apply(events: MirroredEvent[]): Promise<void> {
    const { keys } = this.redis;
    const tx = this.redis.client.multi();
    for (const value of events) {
      if ('slowModeSeconds' in value) {
        const key = keys.broadcast.chatSettings(value.broadcastId);
        tx.hset(key, 'slowModeSeconds', String(value.slowModeSeconds));
        if (value.displayBudgetPerSecond === null) tx.hdel(key, 'displayBudgetPerSecond');
        else tx.hset(key, 'displayBudgetPerSecond', String(value.displayBudgetPerSecond));
      } else if ('status' in value) {
        const key = keys.broadcast.status(value.broadcastId);
        const seller = keys.broadcast.seller(value.broadcastId);
        if (value.status === 'ended') tx.set(key, 'ended', 'EX', ENDED_TTL_SECONDS).set(seller, value.sellerId, 'EX', ENDED_TTL_SECONDS);
        else tx.set(key, value.status).set(seller, value.sellerId);
        if (value.status === 'live') tx.set(keys.broadcast.startedAt(value.broadcastId), String(Date.parse(value.at)));
      } else if (value.action === 'ban' || value.action === 'unban') {
        const key = value.broadcastId ? keys.broadcast.bans(value.broadcastId) : keys.globalBans();
        if (value.action === 'ban') tx.hset(key, value.userId, value.until ? String(Date.parse(value.until)) : '0');
        else tx.hdel(key, value.userId);
      }
    }
    await tx.exec();
  }
}
