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

  /**
   * `fillOnly` (the reconciler's): write only what is missing, never over a value. What the
   * reconciler read from Postgres may be older than what a lifecycle event wrote meanwhile: a
   * show it saw `scheduled` (not mirrored yet) can have gone live since, and writing its
   * snapshot over that would leave it `scheduled` in Redis while live in Postgres (every heart
   * and join refused NOT_LIVE until it ends, since its key is no longer missing). Events come
   * in order per show, so the last one written is the newest.
   */
  async apply(events: MirroredEvent[], { fillOnly = false } = {}): Promise<void> {
    const { keys } = this.redis;
    // per show atomic (one cluster slot each); a failed batch is replayed, writes are idempotent
    const tx = this.redis.multiPerSlot();
    const set = (key: string, value: string, ttlSeconds?: number) => {
      if (ttlSeconds === undefined) return fillOnly ? tx.set(key, value, 'NX') : tx.set(key, value);
      return fillOnly ? tx.set(key, value, 'EX', ttlSeconds, 'NX') : tx.set(key, value, 'EX', ttlSeconds);
    };
    const hset = (key: string, field: string, value: string) => (fillOnly ? tx.hsetnx(key, field, value) : tx.hset(key, field, value));
    for (const value of events) {
      if ('slowModeSeconds' in value) {
        const key = keys.broadcast.chatSettings(value.broadcastId);
        hset(key, 'slowModeSeconds', String(value.slowModeSeconds));
        if (value.displayBudgetPerSecond !== null) hset(key, 'displayBudgetPerSecond', String(value.displayBudgetPerSecond));
        else if (!fillOnly) tx.hdel(key, 'displayBudgetPerSecond');
      } else if ('status' in value) {
        const key = keys.broadcast.status(value.broadcastId);
        const seller = keys.broadcast.seller(value.broadcastId);
        const ttl = value.status === 'ended' ? ENDED_TTL_SECONDS : undefined;
        set(key, value.status, ttl);
        set(seller, value.sellerId, ttl);
        if (value.status === 'live') set(keys.broadcast.startedAt(value.broadcastId), String(Date.parse(value.at)));
      } else if (value.action === 'ban' || value.action === 'unban') {
        const key = value.broadcastId ? keys.broadcast.bans(value.broadcastId) : keys.globalBans();
        if (value.action === 'ban') hset(key, value.userId, value.until ? String(Date.parse(value.until)) : '0');
        else if (!fillOnly) tx.hdel(key, value.userId);
      }
    }
    await tx.exec();
  }
}
