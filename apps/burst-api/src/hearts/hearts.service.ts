import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { AppError, CommonErrors } from '@live/app';
import { Principal } from '@live/auth';
import { Bans } from '@live/management-bans';
import { RedisService } from '@live/redis';
import { AppConfig } from '../app.config';
import { HeartsLog, heartsEventId, unloggedField, unloggedTail } from './hearts-log';
import { ShowEndService } from '../show-end/show-end.service';

export const MAX_TAPS_PER_BATCH = 60;
const BATCH_TTL_SECONDS = 3600;
/** how far past the show's running time a tap may be (clock skew, player buffering) */
const CLOCK_SLACK_MS = 10_000;
const BATCH_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const SHOW_ID = /^[A-Za-z0-9-]{1,64}$/;

// The whole request in one round trip. Checks first (show live, viewer not banned, not
// throttled, taps within the running time; an implausible batch is a strike), then a retried
// batch gets its first answer, and a new one is counted (INCRBY), ranked (ZINCRBY),
// remembered for an hour and noted as not yet in the analytics log (see HeartsLog).
// All keys are the show's (one Redis Cluster slot); the platform-wide ban comes in as ARGV[11]
// (see Bans), the show's own ban is read here with the same rule.
// KEYS: status, startedAt, showBans, strikes, batch, total, rank, unlogged
// ARGV: userId, taps, ttl, nowMs, lastTap, maxStrikes, slackMs, refusal ('' = plausible so far), unloggedField, unloggedTail, globallyBanned (1/0)
const COUNT = `
local status = redis.call('GET', KEYS[1])
if not status then return {'missing'} end
if status ~= 'live' then return {'status', status} end
local now = tonumber(ARGV[4])
if ARGV[11] == '1' then return {'banned'} end
local untilMs = redis.call('HGET', KEYS[3], ARGV[1])
if untilMs and (untilMs == '0' or tonumber(untilMs) > now) then return {'banned'} end
if tonumber(redis.call('HGET', KEYS[4], ARGV[1]) or '0') >= tonumber(ARGV[6]) then return {'throttled'} end
local refusal = ARGV[8]
local started = tonumber(redis.call('GET', KEYS[2]) or '0')
if refusal == '' and started > 0 and tonumber(ARGV[5]) > now - started + tonumber(ARGV[7]) then refusal = 'late' end
if refusal ~= '' then
  redis.call('HINCRBY', KEYS[4], ARGV[1], 1)
  redis.call('EXPIRE', KEYS[4], 60)
  return {'implausible', refusal}
end
local prev = redis.call('GET', KEYS[5])
if prev then return {'repeat', prev} end
local total = redis.call('INCRBY', KEYS[6], ARGV[2])
redis.call('ZINCRBY', KEYS[7], ARGV[2], ARGV[1])
redis.call('SET', KEYS[5], total, 'EX', ARGV[3])
redis.call('HSET', KEYS[8], ARGV[9], total .. '|' .. ARGV[10])
return {'counted', tostring(total)}
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

@Injectable()
export class HeartsService implements OnModuleInit {
  constructor(
    private readonly redis: RedisService,
    private readonly log: HeartsLog,
    private readonly showEnd: ShowEndService,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly bans: Bans,
  ) {}

  onModuleInit(): void {
    this.redis.client.defineCommand('liveCountHearts', { numberOfKeys: 8, lua: COUNT });
  }

  /**
   * Counts a viewer's batch of taps exactly once, in one Redis round trip; the analytics log
   * gets it a few ms later (HeartsLog says what a crash in between can lose, and how the
   * show-end flush recovers it).
   */
  async tap(user: Principal, showId: string, body: unknown): Promise<HeartsAnswer> {
    if (!SHOW_ID.test(showId)) throw CommonErrors.validation('id', 'id: must be a broadcast id');
    const { batchId, taps } = this.parse(body);
    const { keys, client } = this.redis;
    const now = Date.now();
    const refusal = this.implausible(taps);
    const run = client as unknown as { liveCountHearts(...args: (string | number)[]): Promise<[string, string?]> };
    const globallyBanned = await this.bans.globallyBanned(user.sub, now);
    const [outcome, detail] = await run.liveCountHearts(
      keys.broadcast.status(showId),
      keys.broadcast.startedAt(showId),
      keys.broadcast.bans(showId),
      keys.broadcast.heartsStrikes(showId),
      keys.hearts.batch(showId, user.sub, batchId),
      keys.broadcast.hearts(showId),
      keys.broadcast.heartsRank(showId),
      keys.broadcast.heartsUnlogged(showId),
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
      globallyBanned ? 1 : 0,
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
          eventId: heartsEventId(showId, user.sub, batchId),
          occurredAt: new Date(now).toISOString(),
          broadcastId: showId,
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

  /** Why a batch cannot be real, judged on the taps alone (the running time is checked in Redis). */
  private implausible(taps: number[]): string | undefined {
    if (taps.length > MAX_TAPS_PER_BATCH) return `taps: at most ${MAX_TAPS_PER_BATCH} per request (got ${taps.length})`;
    if (taps.some((t, i) => i > 0 && t < taps[i - 1])) return 'taps: video positions must not decrease';
    const spanSeconds = Math.max(1, Math.ceil((taps[taps.length - 1] - taps[0]) / 1000));
    const perSecond = this.config.HEARTS_MAX_TAPS_PER_SECOND;
    if (taps.length > spanSeconds * perSecond) return `taps: ${taps.length} taps in ${spanSeconds} s is more than ${perSecond} per second`;
    return undefined;
  }
}
