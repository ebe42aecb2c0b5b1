import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Topics } from '@live/contracts';
import { KafkaService } from '@live/kafka';
import { RedisService } from '@live/redis';
import { DataSource } from 'typeorm';
import { HeartsLog, unloggedEvent } from '../hearts/hearts-log';

/**
 * When a show ends, its burst counters move from Redis to Postgres exactly once: the flush
 * row is inserted first in the same transaction, so a second delivery of the event (or a
 * second burst-api) finds it and writes nothing. Only after the commit are the show's Redis
 * keys dropped; reads after the end come from Postgres.
 */
@Injectable()
export class ShowEndService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ShowEndService.name);

  constructor(
    private readonly redis: RedisService,
    private readonly kafka: KafkaService,
    private readonly dataSource: DataSource,
    private readonly heartsLog: HeartsLog,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.kafka
      .createConsumer({
        groupId: 'burst-api.show-end',
        topics: [Topics.BroadcastLifecycle],
        handleBatch: async (events) => {
          for (const { value } of events) if (value.status === 'ended') await this.flush(value.broadcastId);
        },
      })
      .start();
  }

  async flush(showId: string): Promise<boolean> {
    const { keys, client } = this.redis;
    const relogged = await this.relogHearts(showId);
    const [[, total], [, ranks], [, couponIds], [, pollIds]] = (await client
      .multi()
      .get(keys.broadcast.hearts(showId))
      .zrange(keys.broadcast.heartsRank(showId), 0, -1, 'WITHSCORES')
      .smembers(keys.broadcast.coupons(showId))
      .smembers(keys.broadcast.polls(showId))
      .exec()) as [unknown, unknown][];
    const coupons = couponIds as string[];
    const polls = pollIds as string[];
    const more = client.multi();
    for (const c of coupons) more.hget(keys.coupon.state(showId, c), 'remaining').hvals(keys.coupon.claims(showId, c));
    for (const p of polls) more.hgetall(keys.poll.tally(showId, p));
    const extra = ((await more.exec()) ?? []).map(([, v]) => v);

    const flushed = await this.dataSource.transaction(async (m) => {
      const first = await m.query('INSERT INTO burst.show_flushes (broadcast_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING broadcast_id', [showId]);
      if (first.length === 0) return false;
      await m.query('INSERT INTO burst.hearts_totals (broadcast_id, total) VALUES ($1, $2)', [showId, Number(total ?? 0)]);
      const pairs = ranks as string[];
      const users: string[] = [];
      const counts: number[] = [];
      for (let i = 0; i < pairs.length; i += 2) {
        users.push(pairs[i]);
        counts.push(Number(pairs[i + 1]));
      }
      if (users.length) {
        await m.query('INSERT INTO burst.hearts_ranks (broadcast_id, user_id, count) SELECT $1, * FROM unnest($2::text[], $3::bigint[])', [showId, users, counts]);
      }
      for (const [i, c] of coupons.entries()) {
        const remaining = extra[2 * i];
        const claimed = (extra[2 * i + 1] as string[]).reduce((n, x) => n + Number(x), 0);
        if (remaining !== null) {
          await m.query('INSERT INTO burst.coupon_stock (coupon_id, broadcast_id, remaining, claimed) VALUES ($1, $2, $3, $4)', [c, showId, Number(remaining), claimed]);
        }
      }
      for (const [i, p] of polls.entries()) {
        const tally = (extra[2 * coupons.length + i] ?? {}) as Record<string, string>;
        for (const [option, votes] of Object.entries(tally)) {
          await m.query('INSERT INTO burst.poll_tallies (poll_id, broadcast_id, option, votes) VALUES ($1, $2, $3, $4)', [p, showId, Number(option), Number(votes)]);
        }
      }
      return true;
    });

    // only after the commit: drop the show's burst keys (a repeat finds nothing to drop)
    const drop = [
      keys.broadcast.hearts(showId),
      keys.broadcast.heartsRank(showId),
      keys.broadcast.heartsStrikes(showId),
      keys.broadcast.heartsUnlogged(showId),
      keys.broadcast.coupons(showId),
      keys.broadcast.polls(showId),
      ...coupons.flatMap((c) => [keys.coupon.state(showId, c), keys.coupon.claims(showId, c)]),
      ...polls.flatMap((p) => [keys.poll.state(showId, p), keys.poll.voters(showId, p), keys.poll.tally(showId, p)]),
    ];
    await client.del(...drop);
    this.logger.log(
      `${showId}: ${flushed ? `flushed ${total ?? 0} hearts, ${coupons.length} coupons, ${polls.length} polls` : 'already flushed'}; ${relogged} heart batches re-logged`,
    );
    return flushed;
  }

  /**
   * The analytics log is reconciled with the counts before they are written: every batch
   * still in the unlogged hash (the last few ms of a burst-api that crashed or could not reach
   * the broker) is published now, under its own eventId. A failure throws, so the lifecycle
   * event is retried and the show is not flushed with a short log.
   */
  private async relogHearts(showId: string): Promise<number> {
    const unlogged = await this.redis.client.hgetall(this.redis.keys.broadcast.heartsUnlogged(showId));
    const events = Object.entries(unlogged).map(([field, value]) => unloggedEvent(showId, field, value));
    for (let i = 0; i < events.length; i += 1_000) await this.heartsLog.publish(events.slice(i, i + 1_000));
    return events.length;
  }

  /** After the end: the flushed figures, if there are any. */
  async heartsAfterEnd(showId: string, limit: number): Promise<{ total: number; top: { userId: string; count: number }[] } | undefined> {
    const [row] = await this.dataSource.query('SELECT total FROM burst.hearts_totals WHERE broadcast_id = $1', [showId]);
    if (!row) return undefined;
    const top = await this.dataSource.query(
      'SELECT user_id AS "userId", count::int AS count FROM burst.hearts_ranks WHERE broadcast_id = $1 ORDER BY count DESC, user_id LIMIT $2',
      [showId, limit],
    );
    return { total: Number(row.total), top };
  }
}
