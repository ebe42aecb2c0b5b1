import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { CommonErrors } from '@live/errors';
import { Principal } from '@live/auth';
import { BurstRepository } from '@live/burst-data-access';
import { RedisService } from '@live/redis';
import { AppConfig } from '../app.config';
import { HeartsLog, heartsEventId, unloggedField, unloggedTail } from './hearts-log';
import { HeartBatchDto } from './hearts.dto';
import { HeartsErrors } from './hearts.errors';
import { implausibleTaps } from './hearts.rules';

const BATCH_TTL_SECONDS = 3600;
/** how far past the show's running time a tap may be (clock skew, player buffering) */
const CLOCK_SLACK_MS = 10_000;

// The whole request in one round trip. Checks first (show live, viewer not banned, not
// throttled, taps within the running time; an implausible batch is a strike), then a retried
// batch gets its first answer, and a new one is counted (INCRBY), ranked (ZINCRBY),
// remembered for an hour and noted as not yet in the analytics log (see HeartsLog).
// KEYS: status, startedAt, showBans, globalBans, strikes, batch, total, rank, unlogged
// ARGV: userId, taps, ttl, nowMs, lastTap, maxStrikes, slackMs, refusal ('' = plausible so far), unloggedField, unloggedTail
const COUNT = `
local status = redis.call('GET', KEYS[1])
if not status then return {'missing'} end
if status ~= 'live' then return {'status', status} end
local now = tonumber(ARGV[4])
for i = 3, 4 do
  local untilMs = redis.call('HGET', KEYS[i], ARGV[1])
  if untilMs and (untilMs == '0' or tonumber(untilMs) > now) then return {'banned'} end
end
if tonumber(redis.call('HGET', KEYS[5], ARGV[1]) or '0') >= tonumber(ARGV[6]) then return {'throttled'} end
local refusal = ARGV[8]
local started = tonumber(redis.call('GET', KEYS[2]) or '0')
if refusal == '' and started > 0 and tonumber(ARGV[5]) > now - started + tonumber(ARGV[7]) then refusal = 'late' end
if refusal ~= '' then
  redis.call('HINCRBY', KEYS[5], ARGV[1], 1)
  redis.call('EXPIRE', KEYS[5], 60)
  return {'implausible', refusal}
end
local prev = redis.call('GET', KEYS[6])
if prev then return {'repeat', prev} end
local total = redis.call('INCRBY', KEYS[7], ARGV[2])
redis.call('ZINCRBY', KEYS[8], ARGV[2], ARGV[1])
redis.call('SET', KEYS[6], total, 'EX', ARGV[3])
redis.call('HSET', KEYS[9], ARGV[9], total .. '|' .. ARGV[10])
return {'counted', tostring(total)}
`;

export interface HeartsAnswer {
  batchId: string;
  accepted: number;
  total: number;
}


@Injectable()
export class HeartsService implements OnModuleInit {
  constructor(
    private readonly redis: RedisService,
    private readonly log: HeartsLog,
    private readonly repository: BurstRepository,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.redis.client.defineCommand('liveCountHearts', { numberOfKeys: 9, lua: COUNT });
  }

  /**
   * Counts a viewer's batch of taps exactly once, in one Redis round trip; the analytics log
   * gets it a few ms later (HeartsLog says what a crash in between can lose, and how the
   * show-end flush recovers it).
   */
  async tap(user: Principal, broadcastId: string, { batchId, taps }: HeartBatchDto): Promise<HeartsAnswer> {
    const { keys, client } = this.redis;
    const now = Date.now();
    const refusal = implausibleTaps(taps, this.config.HEARTS_MAX_TAPS_PER_SECOND);
    const run = client as unknown as { liveCountHearts(...args: (string | number)[]): Promise<[string, string?]> };
    const [outcome, detail] = await run.liveCountHearts(
      keys.broadcast.status(broadcastId),
      keys.broadcast.startedAt(broadcastId),
      keys.broadcast.bans(broadcastId),
      keys.globalBans(),
      keys.broadcast.heartsStrikes(broadcastId),
      keys.hearts.batch(broadcastId, user.sub, batchId),
      keys.broadcast.hearts(broadcastId),
      keys.broadcast.heartsRank(broadcastId),
      keys.broadcast.heartsUnlogged(broadcastId),
      user.sub,
      taps.length,
      BATCH_TTL_SECONDS,
      now,
      taps[taps.length - 1],
      this.config.HEARTS_MAX_STRIKES,
      CLOCK_SLACK_MS,
      refusal ?? '',
      unloggedField(user.sub, batchId),
      unloggedTail(now, taps),
    );
    switch (outcome) {
      case 'missing':
        throw CommonErrors.notFound('broadcast', 'id');
      case 'status':
        throw HeartsErrors.notLive(detail ?? 'unknown');
      case 'banned':
        throw HeartsErrors.banned();
      case 'throttled':
        throw HeartsErrors.throttled();
      case 'implausible':
        throw HeartsErrors.implausible(detail === 'late' ? 'taps: a position lies beyond the show running time' : (refusal ?? 'taps: implausible'));
      case 'counted':
        this.log.append({
          eventId: heartsEventId(broadcastId, user.sub, batchId),
          occurredAt: new Date(now).toISOString(),
          broadcastId: broadcastId,
          userId: user.sub,
          batchId,
          taps,
          totalAfter: Number(detail),
        });
        return { batchId, accepted: taps.length, total: Number(detail) };
      default:
        // 'repeat': the first answer (older entries stored `<total>|<flag>`)
        return { batchId, accepted: taps.length, total: Number(String(detail).split('|')[0]) };
    }
  }

  async summary(broadcastId: string, limit: number) {
    const { keys, client } = this.redis;
    const [[, status], [, total], [, top]] = (await client
      .multi()
      .get(keys.broadcast.status(broadcastId))
      .get(keys.broadcast.hearts(broadcastId))
      .zrevrange(keys.broadcast.heartsRank(broadcastId), 0, limit - 1, 'WITHSCORES')
      .exec()) as [unknown, unknown][];
    if (!status) throw CommonErrors.notFound('broadcast', 'id');
    // an ended show's counters live in Postgres once flushed
    if (status === 'ended') {
      const flushed = await this.repository.heartsAfterEnd(broadcastId, limit);
      if (flushed) return flushed;
    }
    const pairs = top as string[];
    const ranked = [];
    for (let i = 0; i < pairs.length; i += 2) ranked.push({ userId: pairs[i], count: Number(pairs[i + 1]) });
    return { total: Number(total ?? 0), top: ranked };
  }
}
