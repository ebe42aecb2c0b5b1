import { Injectable, Logger } from '@nestjs/common';
import { BurstRepository } from '@live/burst-data-access';
import { RedisService } from '@live/redis';
import { HeartsLog } from '../hearts/hearts-log';
import { answerHour } from '../hearts/hearts.service';

/** how long an ended show's heart total stays in Redis for ws-gateway's pushes (Postgres has it for good) */
const ENDED_TOTAL_TTL_SECONDS = 3600;

/**
 * When a show ends, its burst counters move from Redis to Postgres exactly once (the
 * repository's flush row makes a second delivery, or a second burst-api, write nothing).
 * Only after the commit are the show's Redis keys dropped; reads after the end come from
 * Postgres.
 */
@Injectable()
export class ShowEndService {
  private readonly logger = new Logger(ShowEndService.name);

  constructor(
    private readonly redis: RedisService,
    private readonly repository: BurstRepository,
    private readonly heartsLog: HeartsLog,
  ) {}

  async flush(broadcastId: string): Promise<boolean> {
    const { keys, client } = this.redis;
    const relogged = await this.relogHearts(broadcastId);
    // every tapper's count: the counts hash, or the full ranking of a show counted before it
    const [[, total], [, counts], [, ranks], [, couponIds], [, pollIds], [, unloggedBuckets]] = (await client
      .multi()
      .get(keys.broadcast.hearts(broadcastId))
      .hgetall(keys.broadcast.heartsCounts(broadcastId))
      .zrange(keys.broadcast.heartsRank(broadcastId), 0, -1, 'WITHSCORES')
      .smembers(keys.broadcast.coupons(broadcastId))
      .smembers(keys.broadcast.polls(broadcastId))
      .smembers(keys.broadcast.heartsUnloggedBuckets(broadcastId))
      .exec()) as [unknown, unknown][];
    const coupons = couponIds as string[];
    const polls = pollIds as string[];
    const more = client.multi();
    for (const c of coupons) more.hget(keys.coupon.state(broadcastId, c), 'remaining').hvals(keys.coupon.claims(broadcastId, c));
    for (const p of polls) more.hgetall(keys.poll.tally(broadcastId, p));
    const extra = ((await more.exec()) ?? []).map(([, v]) => v);

    const tapped = new Map(Object.entries(counts as Record<string, string>).map(([userId, count]) => [userId, Number(count)]));
    const pairs = ranks as string[];
    for (let i = 0; i < pairs.length; i += 2) if (!tapped.has(pairs[i])) tapped.set(pairs[i], Number(pairs[i + 1]));
    const ranked = [...tapped].map(([userId, count]) => ({ userId, count }));
    const flushed = await this.repository.flushShow({
      broadcastId: broadcastId,
      heartsTotal: Number(total ?? 0),
      ranks: ranked,
      coupons: coupons.flatMap((couponId, i) => {
        const remaining = extra[2 * i];
        const claimed = (extra[2 * i + 1] as string[]).reduce((n, x) => n + Number(x), 0);
        return remaining === null ? [] : [{ couponId, remaining: Number(remaining), claimed }];
      }),
      polls: polls.map((pollId, i) => ({
        pollId,
        tally: Object.entries((extra[2 * coupons.length + i] ?? {}) as Record<string, string>).map(([option, votes]) => ({ option: Number(option), votes: Number(votes) })),
      })),
    });

    // only after the commit: drop the show's burst keys (a repeat finds nothing to drop). The
    // heart total stays an hour: ws-gateway keeps pushing it to the viewers still on the show
    // (without it they would be told `hearts.count {total: 0}`); it no longer changes. UNLINK:
    // the big ones (the counts, the ranking, an hour's batch answers) are freed off Redis's main thread.
    // The answers go too: an ended show answers a retried batch NOT_LIVE, never from them.
    const hour = answerHour(Date.now());
    const drop = [
      keys.broadcast.heartsRank(broadcastId),
      keys.broadcast.heartsCounts(broadcastId),
      keys.broadcast.heartsTop(broadcastId),
      keys.broadcast.heartsStrikes(broadcastId),
      keys.broadcast.heartsPace(broadcastId),
      keys.broadcast.heartsLegacyUntil(broadcastId),
      ...[hour - 2, hour - 1, hour, hour + 1].map((h) => keys.broadcast.heartsAnswers(broadcastId, h)),
      keys.broadcast.heartsUnloggedBuckets(broadcastId),
      ...(unloggedBuckets as string[]).map((b) => keys.broadcast.heartsUnlogged(broadcastId, Number(b))),
      keys.broadcast.coupons(broadcastId),
      keys.broadcast.polls(broadcastId),
      ...coupons.flatMap((c) => [keys.coupon.state(broadcastId, c), keys.coupon.claims(broadcastId, c)]),
      ...polls.flatMap((p) => [keys.poll.state(broadcastId, p), keys.poll.voters(broadcastId, p), keys.poll.tally(broadcastId, p)]),
    ];
    await client.multi().unlink(...drop).expire(keys.broadcast.hearts(broadcastId), ENDED_TOTAL_TTL_SECONDS).exec();
    this.logger.log(
      `${broadcastId}: ${flushed ? `flushed ${total ?? 0} hearts, ${coupons.length} coupons, ${polls.length} polls` : 'already flushed'}; ${relogged} heart batches re-logged`,
    );
    return flushed;
  }

  /**
   * The analytics log is reconciled with the counts before they are written: every batch
   * still in the unlogged hash (the last few ms of a burst-api that crashed or could not reach
   * the broker) is published now, under its own eventId. A failure throws, so the lifecycle
   * event is retried and the show is not flushed with a short log.
   */
  private async relogHearts(broadcastId: string): Promise<number> {
    return Math.max(0, await this.heartsLog.relog(broadcastId));
  }
}
