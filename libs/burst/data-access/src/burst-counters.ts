import { Injectable } from '@nestjs/common';
import { RedisService } from '@live/redis';

/**
 * What other apps may read of burst-api's live counters in Redis (burst-api writes them; its
 * key layout and field names stay private to this lib): heart totals, coupon stock and poll
 * tallies, many at once. Each read is a single command (the shows sit in different cluster
 * slots); autopipelining sends a call's reads in one write per Redis node.
 */
@Injectable()
export class BurstCounters {
  constructor(private readonly redis: RedisService) {}

  /**
   * Heart totals of the shows, in order; null where Redis has none (nothing counted yet, or an
   * ended show's total gone from Redis an hour after the flush): not a total of 0.
   */
  async heartTotals(broadcastIds: string[]): Promise<(number | null)[]> {
    const { keys, client } = this.redis;
    const totals = await Promise.all(broadcastIds.map((id) => client.get(keys.broadcast.hearts(id))));
    return totals.map((t) => (t === null ? null : Number(t)));
  }

  /** Remaining stock of the coupons, in order; null for a coupon burst-api does not know. */
  async couponStock(coupons: { broadcastId: string; couponId: string }[]): Promise<(number | null)[]> {
    const { keys, client } = this.redis;
    const left = await Promise.all(coupons.map((c) => client.hget(keys.coupon.state(c.broadcastId, c.couponId), 'remaining')));
    return left.map((v) => (v === null ? null : Number(v)));
  }

  /** Votes per option of the polls, in order; null for a poll burst-api does not know. */
  async pollTallies(polls: { broadcastId: string; pollId: string }[]): Promise<(number[] | null)[]> {
    const { keys, client } = this.redis;
    return Promise.all(
      polls.map(async (p) => {
        const [tally, options] = await Promise.all([client.hgetall(keys.poll.tally(p.broadcastId, p.pollId)), client.hget(keys.poll.state(p.broadcastId, p.pollId), 'options')]);
        const n = Number(options ?? 0);
        return n ? Array.from({ length: n }, (_, o) => Number(tally[String(o)] ?? 0)) : null;
      }),
    );
  }
}
