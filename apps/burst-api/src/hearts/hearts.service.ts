import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AppError, CommonErrors } from '@live/app';
import { Principal } from '@live/auth';
import { Topics } from '@live/contracts';
import { KafkaService } from '@live/kafka';
import { RedisService } from '@live/redis';
import { createHash } from 'node:crypto';
import { AppConfig } from '../app.config';
import { ShowEndService } from '../show-end/show-end.service';

export const MAX_TAPS_PER_BATCH = 60;
const BATCH_TTL_SECONDS = 3600;
/** how far past the show's running time a tap may be (clock skew, player buffering) */
const CLOCK_SLACK_MS = 10_000;
const BATCH_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const SHOW_ID = /^[A-Za-z0-9-]{1,64}$/;

// One round trip: a retried batch gets its first answer; a new one is counted (INCRBY),
// ranked (ZINCRBY) and remembered. The stored answer is `<total>|<published 0/1>`.
const COUNT = `
local prev = redis.call('GET', KEYS[1])
if prev then return {0, prev} end
local total = redis.call('INCRBY', KEYS[2], ARGV[1])
redis.call('ZINCRBY', KEYS[3], ARGV[1], ARGV[2])
redis.call('SET', KEYS[1], total .. '|0', 'EX', ARGV[3])
return {1, total .. '|0'}
`;

export interface HeartsAnswer {
  batchId: string;
  accepted: number;
  total: number;
}

export const HeartsErrors = {
  implausible: (message: string, field = 'taps') => new AppError(400, 'IMPLAUSIBLE_TAPS', message, field),
  throttled: () => new AppError(429, 'THROTTLED', 'too many implausible batches; wait a minute', undefined, { 'Retry-After': '60' }),
  notLive: (status: string) => new AppError(409, 'NOT_LIVE', `the show is ${status}, not live`, 'id'),
  banned: () => new AppError(403, 'BANNED', 'you are banned from this show'),
};

/** The id analytics dedupes on: the same batch always maps to the same event. */
export const heartsEventId = (showId: string, userId: string, batchId: string) => {
  const h = createHash('sha1').update(`${showId}/${userId}/${batchId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

@Injectable()
export class HeartsService implements OnModuleInit {
  private readonly logger = new Logger(HeartsService.name);

  constructor(
    private readonly redis: RedisService,
    private readonly kafka: KafkaService,
    private readonly showEnd: ShowEndService,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.redis.client.defineCommand('liveCountHearts', { numberOfKeys: 3, lua: COUNT });
  }

  /**
   * Counts a viewer's batch of taps exactly once. What a crash between the Redis write and
   * the Kafka write can lose: that batch's tap positions in the analytics log, never the
   * count. The batch is remembered as unpublished, so the client's retry publishes it
   * (with the same eventId, so analytics counts it once).
   */
  async tap(user: Principal, showId: string, body: unknown): Promise<HeartsAnswer> {
    if (!SHOW_ID.test(showId)) throw CommonErrors.validation('id', 'id: must be a broadcast id');
    const { batchId, taps } = this.parse(body);
    const { keys, client } = this.redis;

    const [[, status], [, startedAt], [, showBan], [, globalBan], [, strikes]] = (await client
      .multi()
      .get(keys.broadcast.status(showId))
      .get(keys.broadcast.startedAt(showId))
      .hget(keys.broadcast.bans(showId), user.sub)
      .hget(keys.globalBans(), user.sub)
      .hget(keys.broadcast.heartsStrikes(showId), user.sub)
      .exec()) as [unknown, string | null][];
    if (!status) throw CommonErrors.notFound('broadcast', 'id');
    if (status !== 'live') throw HeartsErrors.notLive(status);
    for (const until of [showBan, globalBan]) {
      if (until !== null && (until === '0' || Number(until) > Date.now())) throw HeartsErrors.banned();
    }
    if (Number(strikes ?? 0) >= this.config.HEARTS_MAX_STRIKES) throw HeartsErrors.throttled();
    await this.checkPlausible(showId, user.sub, taps, Number(startedAt ?? 0));

    const run = client as unknown as { liveCountHearts(...args: (string | number)[]): Promise<[number, string]> };
    const batchKey = keys.hearts.batch(showId, user.sub, batchId);
    const [, answer] = await run.liveCountHearts(batchKey, keys.broadcast.hearts(showId), keys.broadcast.heartsRank(showId), taps.length, user.sub, BATCH_TTL_SECONDS);
    const [total, published] = answer.split('|');
    if (published === '0') {
      await this.kafka.publish(Topics.HeartsTapped, showId, {
        eventId: heartsEventId(showId, user.sub, batchId),
        occurredAt: new Date().toISOString(),
        broadcastId: showId,
        userId: user.sub,
        batchId,
        taps,
        totalAfter: Number(total),
      });
      await client.set(batchKey, `${total}|1`, 'KEEPTTL');
    }
    return { batchId, accepted: taps.length, total: Number(total) };
  }

  async summary(showId: string, limit: number) {
    if (!SHOW_ID.test(showId)) throw CommonErrors.validation('id', 'id: must be a broadcast id');
    const { keys, client } = this.redis;
    const [[, status], [, total], [, top]] = (await client
      .multi()
      .get(keys.broadcast.status(showId))
      .get(keys.broadcast.hearts(showId))
      .zrevrange(keys.broadcast.heartsRank(showId), 0, limit - 1, 'WITHSCORES')
      .exec()) as [unknown, unknown][];
    if (!status) throw CommonErrors.notFound('broadcast', 'id');
    // an ended show's counters live in Postgres once flushed
    if (status === 'ended') {
      const flushed = await this.showEnd.heartsAfterEnd(showId, limit);
      if (flushed) return flushed;
    }
    const pairs = top as string[];
    const ranked = [];
    for (let i = 0; i < pairs.length; i += 2) ranked.push({ userId: pairs[i], count: Number(pairs[i + 1]) });
    return { total: Number(total ?? 0), top: ranked };
  }

  private parse(body: unknown): { batchId: string; taps: number[] } {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw CommonErrors.validation('body', 'the body must be a JSON object');
    const { batchId, taps, ...rest } = body as Record<string, unknown>;
    const unknownField = Object.keys(rest)[0];
    if (unknownField) throw CommonErrors.validation(unknownField, `${unknownField}: not a field of a heart batch`);
    if (typeof batchId !== 'string' || !BATCH_ID.test(batchId)) throw CommonErrors.validation('batchId', 'batchId: 1-64 letters, digits or . _ : -');
    if (!Array.isArray(taps) || taps.length === 0) throw CommonErrors.validation('taps', 'taps: a non-empty list of video positions (ms)');
    if (!taps.every((t) => Number.isInteger(t) && t >= 0)) throw CommonErrors.validation('taps', 'taps: whole, non-negative milliseconds');
    return { batchId, taps: taps as number[] };
  }

  /** Refusals here are strikes: a viewer who keeps sending them is throttled for a minute. */
  private async checkPlausible(showId: string, userId: string, taps: number[], startedAt: number): Promise<void> {
    let reason: string | undefined;
    if (taps.length > MAX_TAPS_PER_BATCH) reason = `taps: at most ${MAX_TAPS_PER_BATCH} per request (got ${taps.length})`;
    else if (taps.some((t, i) => i > 0 && t < taps[i - 1])) reason = 'taps: video positions must not decrease';
    const spanSeconds = Math.max(1, Math.ceil((taps[taps.length - 1] - taps[0]) / 1000));
    if (!reason && taps.length > spanSeconds * this.config.HEARTS_MAX_TAPS_PER_SECOND) {
      reason = `taps: ${taps.length} taps in ${spanSeconds} s is more than ${this.config.HEARTS_MAX_TAPS_PER_SECOND} per second`;
    }
    if (!reason && startedAt > 0 && taps[taps.length - 1] > Date.now() - startedAt + CLOCK_SLACK_MS) {
      reason = 'taps: a position lies beyond the show running time';
    }
    if (!reason) return;
    const key = this.redis.keys.broadcast.heartsStrikes(showId);
    await this.redis.client.multi().hincrby(key, userId, 1).expire(key, 60).exec();
    throw HeartsErrors.implausible(reason);
  }
}
