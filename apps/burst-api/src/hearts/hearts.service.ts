import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { CommonErrors } from '@live/errors';
import { Principal } from '@live/auth';
import { BurstRepository } from '@live/burst-data-access';
import { Bans } from '@live/management-bans';
import { MetricsService } from '@live/metrics';
import { RedisService } from '@live/redis';
import { Counter } from 'prom-client';
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
// batch gets its first answer (or BATCH_ID_REUSED if it now carries another number of taps),
// then the viewer's pace across all their batches (below; a refusal is a strike too), and a
// new batch is counted (INCRBY), ranked (ZINCRBY), remembered for an hour as
// `<total>#<accepted>` and noted as not yet in the analytics log (see HeartsLog).
//
// Pace: two leaky buckets of taps per viewer, in one key. The wall bucket drains at
// maxPerSecond taps per second of wall time; the video bucket drains at maxPerSecond taps per
// second the viewer's furthest video position moves on. Each holds at most burstTaps. So
// parallel batches with fresh ids and the same positions fill the video bucket, a flood of
// any positions fills the wall bucket, and an honest client (one batch per 1-3 s window,
// positions moving with the show) never comes near either.
//
// All keys are the show's (one Redis Cluster slot); the platform-wide ban comes in as ARGV[11]
// (see Bans), the show's own ban is read here with the same rule.
// KEYS: status, startedAt, showBans, strikes, batch, total, rank, unlogged, pace
// ARGV: userId, taps, ttl, nowMs, lastTap, maxStrikes, slackMs, refusal ('' = plausible so far),
//       unloggedField, unloggedTail, globallyBanned (1/0), firstTap, maxPerSecond, burstTaps
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
local n = tonumber(ARGV[2])
local last = tonumber(ARGV[5])
local started = tonumber(redis.call('GET', KEYS[2]) or '0')
if refusal == '' and started > 0 and last > now - started + tonumber(ARGV[7]) then refusal = 'late' end
if refusal ~= '' then
  redis.call('HINCRBY', KEYS[4], ARGV[1], 1)
  redis.call('EXPIRE', KEYS[4], 60)
  return {'implausible', refusal}
end
local prev = redis.call('GET', KEYS[5])
if prev then
  local total, accepted = string.match(prev, '^(%d+)#(%d+)$')
  if accepted and tonumber(accepted) ~= n then return {'reused', accepted} end
  return {'repeat', total or prev}
end
local rate = tonumber(ARGV[13])
local cap = tonumber(ARGV[14])
local wl, wt, vl, vt = 0, now, 0, tonumber(ARGV[12])
local pace = redis.call('GET', KEYS[9])
if pace then
  local a, b, c, d = string.match(pace, '^([%d.]+)|(%d+)|([%d.]+)|(%d+)$')
  if a then wl, wt, vl, vt = tonumber(a), tonumber(b), tonumber(c), tonumber(d) end
end
wl = math.max(0, wl - math.max(0, now - wt) * rate / 1000)
vl = math.max(0, vl - math.max(0, last - vt) * rate / 1000)
if wl + n > cap or vl + n > cap then
  redis.call('HINCRBY', KEYS[4], ARGV[1], 1)
  redis.call('EXPIRE', KEYS[4], 60)
  local over = math.max(wl, vl) + n - cap
  return {'pace', (wl + n > cap) and 'wall' or 'video', tostring(math.max(1, math.ceil(over / rate)))}
end
redis.call('SET', KEYS[9], string.format('%.3f|%d|%.3f|%d', wl + n, now, vl + n, math.max(vt, last)), 'EX', 60)
local total = redis.call('INCRBY', KEYS[6], n)
redis.call('ZINCRBY', KEYS[7], n, ARGV[1])
redis.call('SET', KEYS[5], total .. '#' .. n, 'EX', ARGV[3])
redis.call('HSET', KEYS[8], ARGV[9], total .. '|' .. ARGV[10])
return {'counted', tostring(total)}
`;

export interface HeartsAnswer {
  batchId: string;
  accepted: number;
  total: number;
}

type Outcome = [string, string?, string?];

@Injectable()
export class HeartsService implements OnModuleInit {
  private readonly refused: Counter<'reason'>;

  constructor(
    private readonly redis: RedisService,
    private readonly log: HeartsLog,
    private readonly repository: BurstRepository,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly bans: Bans,
    metrics: MetricsService,
  ) {
    this.refused = metrics.counter('burst_heart_batches_refused_total', 'heart batches refused by the anti-cheat checks', ['reason']);
  }

  onModuleInit(): void {
    this.redis.client.defineCommand('liveCountHearts', { numberOfKeys: 9, lua: COUNT });
  }

  /**
   * Counts a viewer's batch of taps exactly once, in one Redis round trip; the analytics log
   * gets it a few ms later (HeartsLog says what a crash in between can lose, and how the
   * show-end flush recovers it). The same for every channel (HTTP, socket): refusals throw a
   * HeartsError.
   */
  async tap(user: Principal, broadcastId: string, { batchId, taps }: HeartBatchDto): Promise<HeartsAnswer> {
    const { keys, client } = this.redis;
    const now = Date.now();
    const refusal = implausibleTaps(taps, this.config.HEARTS_MAX_TAPS_PER_SECOND);
    const run = client as unknown as { liveCountHearts(...args: (string | number)[]): Promise<Outcome> };
    const globallyBanned = await this.bans.globallyBanned(user.sub, now);
    const last = taps[taps.length - 1];
    const [outcome, detail, extra] = await run.liveCountHearts(
      keys.broadcast.status(broadcastId),
      keys.broadcast.startedAt(broadcastId),
      keys.broadcast.bans(broadcastId),
      keys.broadcast.heartsStrikes(broadcastId),
      keys.hearts.batch(broadcastId, user.sub, batchId),
      keys.broadcast.hearts(broadcastId),
      keys.broadcast.heartsRank(broadcastId),
      keys.broadcast.heartsUnlogged(broadcastId),
      keys.hearts.pace(broadcastId, user.sub),
      user.sub,
      taps.length,
      BATCH_TTL_SECONDS,
      now,
      last,
      this.config.HEARTS_MAX_STRIKES,
      CLOCK_SLACK_MS,
      refusal ?? '',
      unloggedField(user.sub, batchId),
      unloggedTail(now, taps),
      globallyBanned ? 1 : 0,
      taps[0],
      this.config.HEARTS_MAX_TAPS_PER_SECOND,
      this.config.HEARTS_MAX_TAPS_PER_SECOND * this.config.HEARTS_PACE_BURST_SECONDS,
    );
    switch (outcome) {
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
      case 'repeat':
        // the first answer (entries older than `<total>#<accepted>` stored `<total>|<flag>`)
        return { batchId, accepted: taps.length, total: Number(String(detail).split('|')[0]) };
      case 'reused':
        this.refused.inc({ reason: 'batch_id_reused' });
        throw HeartsErrors.batchIdReused(Number(detail));
      case 'pace':
        this.refused.inc({ reason: detail === 'wall' ? 'pace_wall' : 'pace_video' });
        throw HeartsErrors.rateLimited(detail === 'wall' ? 'wall' : 'video', Number(extra));
      case 'missing':
        throw CommonErrors.notFound('broadcast', 'id');
      case 'status':
        throw HeartsErrors.notLive(detail ?? 'unknown');
      case 'banned':
        this.refused.inc({ reason: 'banned' });
        throw HeartsErrors.banned();
      case 'throttled':
        this.refused.inc({ reason: 'throttled' });
        throw HeartsErrors.throttled();
      default:
        this.refused.inc({ reason: 'implausible' });
        throw HeartsErrors.implausible(detail === 'late' ? 'taps: a position lies beyond the show running time' : (refusal ?? 'taps: implausible'));
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
