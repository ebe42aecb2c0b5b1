import { Injectable } from '@nestjs/common';
import { RedisService } from '@live/redis';

/**
 * What other apps may read of burst-api's live counters in Redis (burst-api writes them; its
 * key layout and field names stay private to this lib): heart totals, coupon stock and poll
 * tallies, several at once in one round trip each.
 */
@Injectable()
export class BurstCounters {
  constructor(private readonly redis: RedisService) {}

  /** Heart totals of the shows, in order (0 where none were counted). */
  async heartTotals(broadcastIds: string[]): Promise<number[]> {
    if (broadcastIds.length === 0) return [];
    const { keys, client } = this.redis;
    const pipe = client.pipeline();
    for (const id of broadcastIds) pipe.get(keys.broadcast.hearts(id));
    const answers = (await pipe.exec()) ?? [];
    return broadcastIds.map((_, i) => Number((answers[i]?.[1] as string | null) ?? 0));
  }

  /** Remaining stock of the coupons, in order; null for a coupon burst-api does not know. */
  async couponStock(couponIds: string[]): Promise<(number | null)[]> {
    if (couponIds.length === 0) return [];
    const { keys, client } = this.redis;
    const pipe = client.pipeline();
    for (const id of couponIds) pipe.hget(keys.coupon.state(id), 'remaining');
    const answers = (await pipe.exec()) ?? [];
    return couponIds.map((_, i) => {
      const v = answers[i]?.[1] as string | null | undefined;
      return v === null || v === undefined ? null : Number(v);
    });
  }

  /** Votes per option of the polls, in order; null for a poll burst-api does not know. */
  async pollTallies(pollIds: string[]): Promise<(number[] | null)[]> {
    if (pollIds.length === 0) return [];
    const { keys, client } = this.redis;
    const pipe = client.pipeline();
    for (const id of pollIds) pipe.hgetall(keys.poll.tally(id)).hget(keys.poll.state(id), 'options');
    const answers = (await pipe.exec()) ?? [];
    return pollIds.map((_, i) => {
      const tally = (answers[2 * i]?.[1] ?? {}) as Record<string, string>;
      const options = Number(answers[2 * i + 1]?.[1] ?? 0);
      return options ? Array.from({ length: options }, (_, o) => Number(tally[String(o)] ?? 0)) : null;
    });
  }
}
