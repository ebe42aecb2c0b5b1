import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { CommonErrors } from '@live/errors';
import { Principal } from '@live/auth';
import { BurstRepository } from '@live/burst-data-access';
import { Bans } from '@live/management-bans';
import { MetricsService } from '@live/metrics';
import { RedisService } from '@live/redis';
import { Counter } from 'prom-client';
import { AppConfig } from '../app.config';
import { LUA_HSET_IN_ORDER } from '../shared/lua';
import { TurnBatches } from '../shared/turn-batches';
import { HeartsLog, heartsEventId, unloggedBucket } from './hearts-log';
import { HeartBatchDto } from './hearts.dto';
import { HeartsErrors } from './hearts.errors';
import { implausibleTaps } from './hearts.rules';

/** a batch's first answer is found for one to two hours: in its hour's hash and the next hour's lookups */
const ANSWER_HOUR_MS = 3_600_000;
/** the hour (of epoch ms) whose hash of answers a batch counted at `ms` goes into */
export const answerHour = (ms: number) => Math.floor(ms / ANSWER_HOUR_MS);
/** how long after its first script call a show also reads the per-batch keys of before (see COUNT) */
const LEGACY_READ_MS = ANSWER_HOUR_MS;
/** a viewer's pace entry unchanged this long counts as empty (the per-viewer key of before expired then) */
const PACE_IDLE_MS = 60_000;
/** how far past the show's running time a tap may be (clock skew, player buffering) */
const CLOCK_SLACK_MS = 10_000;
/**
 * A show's batches counted in one script call at most. Redis runs one call at a time: in a spike
 * a 256-batch call held it 10-20 ms (cores shared), and every claim and vote waited behind it.
 */
const MAX_BATCHES_PER_CALL = 64;
/** viewers kept in a show's ranking of top tappers (the summary shows at most 100) */
export const HEARTS_TOP_KEPT = 1_000;
const COMMON_ARGS = 10;
/** between a batch's parts in its one ARGV entry (user ids may hold anything, so theirs is the last part) */
const SEP = '\x1f';
// A show's heart batches that arrived together (one turn of the event loop, up to
// MAX_BATCHES_PER_CALL), counted in one script call: one round trip, and Redis commands per
// call rather than per batch (the answers, the paces, the bans and the strikes of all the
// call's batches are read with one HMGET each and written with one HSET each, and the ranking
// takes one ZADD of the viewers that enter or move within its top). Each redis.call costs
// Redis a few µs on top of its command, and in a spike Redis shares the two cores with
// everything else.
//
// Batches are judged in arrival order, each exactly as if it had come alone: checks first
// (show live, viewer not banned, not throttled, taps within the running time; an implausible
// batch is a strike), then a retried batch gets its first answer (or BATCH_ID_REUSED if it now
// carries another number of taps), then the viewer's pace across all their batches (below; a
// refusal is a strike too), and a new batch is counted, added to its viewer's count (see
// Ranking), its answer kept as
// `<total>#<accepted>` in the hash of the hour (looked up in that hour's hash and the one
// before: one to two hours; and the one after, for a replica whose clock is behind the one
// that counted it) and noted as not yet in the analytics log (see HeartsLog): in the
// unlogged hash of the second of the call's time, whose bucket joins the show's set of them.
// What a batch of the call changes (an answer, a pace, a strike, a count) is seen by the batches
// after it.
//
// Ranking: every viewer's taps are a field of the show's counts hash (what the show-end flush
// writes); the ranking is a sorted set of the top HEARTS_TOP_KEPT only. After its batches, the
// call adds the viewers it counted whose new count passes the set's lowest (or all of them while
// the set is not full) with one ZADD, then pops what is past the bound. Counts only grow, so a
// viewer outside the set is never above its lowest: it holds the top, ties aside. It used to be
// a sorted set of every viewer with a ZINCRBY per batch: ~3 µs of Redis a batch (a fifth of the
// call's), growing with the audience. A show that has that set (counted before the change) keeps
// it, ZINCRBY per batch, to its end.
//
// Pace: two leaky buckets of taps per viewer, in one field of the show's pace hash. The wall
// bucket drains at maxPerSecond taps per second of wall time; the video bucket drains at
// maxPerSecond taps per second the viewer's furthest video position moves on. Each holds at
// most burstTaps; an entry a minute old counts as empty. So parallel batches with fresh ids and
// the same positions fill the video bucket, a flood of any positions fills the wall bucket,
// and an honest client (one batch per 1-3 s window, positions moving with the show) never comes
// near either.
//
// Upgrade: answers and paces were a key per batch and per viewer before. The first call for a
// show notes in heartsLegacyUntil whether the show had counted hearts already (then for an
// hour it also reads those keys, by their prefixes, for a batch or viewer the hashes do not
// have: a batch counted before the upgrade and retried after it still counts once) or not (0).
//
// All keys are the show's (one Redis Cluster slot, the per-batch keys of before included); the
// platform-wide ban comes in per batch (see Bans), the show's own ban is read here with the
// same rule.
// An hour's answers are one hash (millions of fields in a long spike). Freeing it holds Redis
// for seconds, so no expiry is what frees it: the first call of the hour after next unlinks
// it (`UNLINK` frees a big value off Redis's main thread), and so does the show-end flush.
// Its EXPIREAT, an hour later, is only for a show that fell silent (and Redis frees that
// expiry on its main thread unless lazyfree-lazy-expire is on: docs/operations.md).
//
// KEYS: status, startedAt, showBans, strikes, total, rank, unlogged (nowMs's bucket),
//       unloggedBuckets, answers (nowMs's hour), answers (the hour before), answers (the hour
//       after), pace, legacyUntil, answers (two hours before: unlinked), counts, top
// ARGV: nowMs, answersExpireAt (epoch s), maxStrikes, slackMs, maxPerSecond, burstTaps, bucket,
//       legacyReadMs, legacy answer prefix, legacy pace prefix, then one entry per batch, its
//       parts joined by SEP (\x1f): taps, firstTap, lastTap, globallyBanned (1/0), batchId,
//       refusal ('' = plausible so far), the taps joined by ',', userId (last: it may hold
//       anything). One argument a batch, not eight: ioredis's cost is per argument, and each
//       was an argument for Redis to read and the script to copy.
// Returns three strings per batch: outcome, detail, extra ('' where there is none).
const COUNT = `${LUA_HSET_IN_ORDER}
local n = #ARGV - ${COMMON_ARGS}
local out = {}
local status = redis.call('GET', KEYS[1])
if status ~= 'live' then
  for i = 1, n do
    if status then out[#out + 1] = 'status'; out[#out + 1] = status else out[#out + 1] = 'missing'; out[#out + 1] = '' end
    out[#out + 1] = ''
  end
  return out
end
local now = tonumber(ARGV[1])
local maxStrikes = tonumber(ARGV[3])
local slack = tonumber(ARGV[4])
local rate = tonumber(ARGV[5])
local cap = tonumber(ARGV[6])
local started = tonumber(redis.call('GET', KEYS[2]) or '0')
local users, fields, counts, firsts, lasts, globally, refusals, tapLists = {}, {}, {}, {}, {}, {}, {}, {}
for i = 1, n do
  local c, f, l, g, batchId, r, t, user = string.match(ARGV[${COMMON_ARGS} + i], '^([^\\31]*)\\31([^\\31]*)\\31([^\\31]*)\\31([^\\31]*)\\31([^\\31]*)\\31([^\\31]*)\\31([^\\31]*)\\31(.*)$')
  counts[i], firsts[i], lasts[i], globally[i], refusals[i], tapLists[i] = tonumber(c), tonumber(f), tonumber(l), g, r, t
  users[i] = user
  fields[i] = user .. '/' .. batchId
end
local bans = redis.call('HMGET', KEYS[3], unpack(users))
local strikeList = redis.call('HMGET', KEYS[4], unpack(users))
local strikes = {}
for i = 1, n do strikes[users[i]] = tonumber(strikeList[i] or '0') end
local totalRaw = redis.call('GET', KEYS[5])
local total = tonumber(totalRaw or '0')
local legacyUntil = tonumber(redis.call('GET', KEYS[13]) or '-1')
if legacyUntil < 0 then
  legacyUntil = totalRaw and now + tonumber(ARGV[8]) or 0
  redis.call('SET', KEYS[13], legacyUntil)
end
local legacy = now < legacyUntil
local fullRank = redis.call('EXISTS', KEYS[6]) == 1
local tallyList = fullRank and {} or redis.call('HMGET', KEYS[15], unpack(users))
local tally = {}
for i = 1, n do tally[users[i]] = tonumber(tallyList[i] or '0') end
local answersNow = redis.call('HMGET', KEYS[9], unpack(fields))
local answersBefore = redis.call('HMGET', KEYS[10], unpack(fields))
local answersAfter = redis.call('HMGET', KEYS[11], unpack(fields))
local answered = {}
local paceList = redis.call('HMGET', KEYS[12], unpack(users))
local paces = {}
for i = 1, n do paces[users[i]] = paceList[i] end
local added = 0
local unlogged, newAnswers, newPaces, newCounts = {}, {}, {}, {}
local struck = false
local function strike(user)
  redis.call('HINCRBY', KEYS[4], user, 1)
  strikes[user] = strikes[user] + 1
  struck = true
end
local function one(i)
  local user, taps, last, first = users[i], counts[i], lasts[i], firsts[i]
  local refusal = refusals[i]
  if globally[i] == '1' then return 'banned', '', '' end
  local ban = bans[i]
  if ban and (ban == '0' or tonumber(ban) > now) then return 'banned', '', '' end
  if strikes[user] >= maxStrikes then return 'throttled', '', '' end
  if refusal == '' and started > 0 and last > now - started + slack then refusal = 'late' end
  if refusal ~= '' then
    strike(user)
    return 'implausible', refusal, ''
  end
  local field = fields[i]
  local prev = answered[field] or answersNow[i] or answersBefore[i] or answersAfter[i]
  if not prev and legacy then prev = redis.call('GET', ARGV[9] .. field .. ':answer') end
  if prev then
    local was, accepted = string.match(prev, '^(%d+)#(%d+)$')
    if accepted and tonumber(accepted) ~= taps then return 'reused', accepted, '' end
    return 'repeat', was or prev, ''
  end
  local wl, wt, vl, vt = 0, now, 0, first
  local pace = paces[user]
  if not pace and legacy then pace = redis.call('GET', ARGV[10] .. user .. ':pace') end
  if pace then
    local pa, pb, pc, pd = string.match(pace, '^([%d.]+)|(%d+)|([%d.]+)|(%d+)$')
    if pa and now - tonumber(pb) < ${PACE_IDLE_MS} then wl, wt, vl, vt = tonumber(pa), tonumber(pb), tonumber(pc), tonumber(pd) end
  end
  wl = math.max(0, wl - math.max(0, now - wt) * rate / 1000)
  vl = math.max(0, vl - math.max(0, last - vt) * rate / 1000)
  if wl + taps > cap or vl + taps > cap then
    strike(user)
    local over = math.max(wl, vl) + taps - cap
    return 'pace', (wl + taps > cap) and 'wall' or 'video', tostring(math.max(1, math.ceil(over / rate)))
  end
  pace = string.format('%.3f|%d|%.3f|%d', wl + taps, now, vl + taps, math.max(vt, last))
  if not newPaces[user] then newPaces[#newPaces + 1] = user end
  newPaces[user] = pace
  paces[user] = pace
  added = added + taps
  local after = total + added
  if fullRank then
    redis.call('ZINCRBY', KEYS[6], taps, user)
  else
    if not newCounts[user] then newCounts[#newCounts + 1] = user end
    tally[user] = tally[user] + taps
    newCounts[user] = tally[user]
  end
  local answer = after .. '#' .. taps
  answered[field] = answer
  newAnswers[#newAnswers + 1] = field
  newAnswers[#newAnswers + 1] = answer
  unlogged[#unlogged + 1] = field
  unlogged[#unlogged + 1] = after .. '|' .. ARGV[1] .. '|' .. tapLists[i]
  return 'counted', tostring(after), ''
end
for i = 1, n do
  local o, d, e = one(i)
  out[#out + 1] = o
  out[#out + 1] = d
  out[#out + 1] = e
end
if struck then redis.call('EXPIRE', KEYS[4], 60) end
redis.call('UNLINK', KEYS[14])
if added > 0 then
  redis.call('INCRBY', KEYS[5], added)
  redis.call('HSET', KEYS[7], unpack(unlogged))
  redis.call('SADD', KEYS[8], ARGV[7])
  redis.call('HSET', KEYS[9], unpack(newAnswers))
  redis.call('EXPIREAT', KEYS[9], ARGV[2])
  hsetInOrder(KEYS[12], newPaces, newPaces)
  redis.call('PEXPIRE', KEYS[12], ${PACE_IDLE_MS})
  if not fullRank then
    hsetInOrder(KEYS[15], newCounts, newCounts)
    local kept = redis.call('ZCARD', KEYS[16])
    local lowest = -1
    if kept >= ${HEARTS_TOP_KEPT} then lowest = tonumber(redis.call('ZRANGE', KEYS[16], 0, 0, 'WITHSCORES')[2]) end
    local entering = {}
    for _, user in ipairs(newCounts) do
      local count = newCounts[user]
      if count > lowest then
        entering[#entering + 1] = count
        entering[#entering + 1] = user
      end
    end
    if #entering > 0 then
      local over = kept + redis.call('ZADD', KEYS[16], unpack(entering)) - ${HEARTS_TOP_KEPT}
      if over > 0 then redis.call('ZPOPMIN', KEYS[16], over) end
    end
  end
end
return out
`;

/** outcome, detail, extra, and the call's time (ISO 8601, made once a call): a counted batch's time in the log */
type Outcome = [string, string, string, string];

/** A batch waiting for its show's next script call. */
interface Queued {
  userId: string;
  batchId: string;
  taps: number[];
  refusal: string;
  globallyBanned: boolean;
}

export interface HeartsAnswer {
  batchId: string;
  accepted: number;
  total: number;
}

@Injectable()
export class HeartsService implements OnModuleInit {
  private readonly refused: Counter<'reason'>;
  /** a show's batches of one event-loop turn, counted in one script call */
  private readonly batches = new TurnBatches<Queued, Outcome>(MAX_BATCHES_PER_CALL, (broadcastId, list) => this.count(broadcastId, list));

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
    // the show's keys are a fixed number now, but the count stays in each call's arguments
    this.redis.client.defineCommand('liveCountHeartBatches', { lua: COUNT });
  }

  /**
   * Counts a viewer's batch of taps exactly once; the analytics log gets it a few ms later
   * (HeartsLog says what a crash in between can lose, and how the show-end flush recovers it).
   * The same for every channel (HTTP, sockets): refusals throw a HeartsError. Batches of a
   * show that arrive in the same turn of the event loop share one Redis round trip (COUNT).
   */
  tap(user: Principal, broadcastId: string, { batchId, taps }: HeartBatchDto): Promise<HeartsAnswer> {
    const now = Date.now();
    const refusal = implausibleTaps(taps, this.config.HEARTS_MAX_TAPS_PER_SECOND);
    // not an async function: a few µs of promises and hooks a batch, thousands a second
    const count = (globallyBanned: boolean) =>
      this.batches
        .add(broadcastId, { userId: user.sub, batchId, taps, refusal: refusal ?? '', globallyBanned })
        .then((outcome) => this.answer(user, broadcastId, batchId, taps, refusal, outcome));
    const copy = this.bans.globallyBannedFromCopy(user.sub, now);
    return copy === undefined ? this.bans.globallyBanned(user.sub, now).then(count) : count(copy);
  }

  /** A batch's outcome in its show's script call, as the answer (or the refusal thrown). */
  private answer(user: Principal, broadcastId: string, batchId: string, taps: number[], refusal: string | undefined, [outcome, detail, extra, at]: Outcome): HeartsAnswer {
    switch (outcome) {
      case 'counted':
        this.log.append(broadcastId, {
          eventId: heartsEventId(broadcastId, user.sub, batchId),
          // the call's time, as in the unlogged hash: it says which second's hash holds the batch
          occurredAt: at,
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

  private count(broadcastId: string, list: Queued[]): Promise<Outcome[]> {
    const { keys, client } = this.redis;
    const now = Date.now();
    const hour = answerHour(now);
    const maxPerSecond = this.config.HEARTS_MAX_TAPS_PER_SECOND;
    const args: (string | number)[] = [
      16,
      keys.broadcast.status(broadcastId),
      keys.broadcast.startedAt(broadcastId),
      keys.broadcast.bans(broadcastId),
      keys.broadcast.heartsStrikes(broadcastId),
      keys.broadcast.hearts(broadcastId),
      keys.broadcast.heartsRank(broadcastId),
      keys.broadcast.heartsUnlogged(broadcastId, unloggedBucket(now)),
      keys.broadcast.heartsUnloggedBuckets(broadcastId),
      keys.broadcast.heartsAnswers(broadcastId, hour),
      keys.broadcast.heartsAnswers(broadcastId, hour - 1),
      keys.broadcast.heartsAnswers(broadcastId, hour + 1),
      keys.broadcast.heartsPace(broadcastId),
      keys.broadcast.heartsLegacyUntil(broadcastId),
      keys.broadcast.heartsAnswers(broadcastId, hour - 2),
      keys.broadcast.heartsCounts(broadcastId),
      keys.broadcast.heartsTop(broadcastId),
      now,
      // the hour's hash is looked up during the next hour too, and unlinked in the one after
      ((hour + 3) * ANSWER_HOUR_MS) / 1000,
      this.config.HEARTS_MAX_STRIKES,
      CLOCK_SLACK_MS,
      maxPerSecond,
      maxPerSecond * this.config.HEARTS_PACE_BURST_SECONDS,
      unloggedBucket(now),
      LEGACY_READ_MS,
      keys.hearts.batchPrefix(broadcastId),
      keys.hearts.pacePrefix(broadcastId),
    ];
    // the field `<userId>/<batchId>` (unloggedField's) is made in the script
    for (const b of list) {
      args.push(`${b.taps.length}${SEP}${b.taps[0]}${SEP}${b.taps[b.taps.length - 1]}${SEP}${b.globallyBanned ? 1 : 0}${SEP}${b.batchId}${SEP}${b.refusal}${SEP}${b.taps.join(',')}${SEP}${b.userId}`);
    }
    const run = client as unknown as { liveCountHeartBatches(...args: (string | number)[]): Promise<string[]> };
    const at = new Date(now).toISOString();
    return run.liveCountHeartBatches(...args).then((out) => list.map((_, i): Outcome => [out[3 * i], out[3 * i + 1], out[3 * i + 2], at]));
  }

  async summary(broadcastId: string, limit: number) {
    const { keys, client } = this.redis;
    // the top tappers, or the ranking of every tapper of a show counted before it (see COUNT)
    const [[, status], [, total], [, top], [, fullRank]] = (await client
      .multi()
      .get(keys.broadcast.status(broadcastId))
      .get(keys.broadcast.hearts(broadcastId))
      .zrevrange(keys.broadcast.heartsTop(broadcastId), 0, limit - 1, 'WITHSCORES')
      .zrevrange(keys.broadcast.heartsRank(broadcastId), 0, limit - 1, 'WITHSCORES')
      .exec()) as [unknown, unknown][];
    if (!status) throw CommonErrors.notFound('broadcast', 'id');
    // an ended show's counters live in Postgres once flushed
    if (status === 'ended') {
      const flushed = await this.repository.heartsAfterEnd(broadcastId, limit);
      if (flushed) return flushed;
    }
    const pairs = (fullRank as string[]).length ? (fullRank as string[]) : (top as string[]);
    const ranked = [];
    for (let i = 0; i < pairs.length; i += 2) ranked.push({ userId: pairs[i], count: Number(pairs[i + 1]) });
    return { total: Number(total ?? 0), top: ranked };
  }
}
