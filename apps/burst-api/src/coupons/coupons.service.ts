import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Principal } from '@live/auth';
import { Topics } from '@live/contracts';
import { KafkaService } from '@live/kafka';
import { FATE_TTL_SECONDS } from '@live/burst-data-access';
import { Bans } from '@live/management-bans';
import { RedisService } from '@live/redis';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../app.config';
import { LUA_HSET_IN_ORDER } from '../shared/lua';
import { TurnBatches } from '../shared/turn-batches';
import { CouponErrors } from './coupons.errors';

// Atomic, for the claims of one coupon that arrived together (one turn of the event loop, up
// to MAX_CLAIMS_PER_CALL), judged one by one in arrival order exactly as if each came alone:
// a socket claim first counts against the viewer's window in the show (fixed window: the
// first claim starts it; past `points` -> RATE_LIMITED until it ends), then the viewer is not
// banned (from the show: its bans hash, in the same slot, with Bans' rule; from every show:
// per claim, Bans' process copy), the coupon is this show's, exposed and inside its window,
// the viewer is under its limit and there is stock -> take one. Redis runs it alone, so
// nothing is ever oversold, and a claim costs a share of one round trip.
// Redis commands per call where it can: the call's viewers' bans and claims so far are read
// with one HMGET each, and the claims taken written with one HSET (what a claim of the call
// takes is seen by the claims after it); only a socket claim's window (a key per viewer, with
// its own expiry) is per claim. Each redis.call costs Redis a few µs on top of its command, and
// in a drop Redis shares the cores with everything else.
// burst-api learns a coupon when management exposes it: to a viewer, a coupon it does not
// know (never exposed, another show's, no such id) is simply not on offer (409).
// KEYS: state, claims, showBans, then per claim: its viewer's rate window
// ARGV: now, broadcastId, points, windowMs, then per claim: userId, globallyBanned, limited (1/0)
// Returns three per claim: outcome, remaining (ms to wait when RATE_LIMITED), ordinal (0 where none).
const CLAIM = `${LUA_HSET_IN_ORDER}
local now = tonumber(ARGV[1])
local points = tonumber(ARGV[3])
local windowMs = ARGV[4]
local n = (#ARGV - 4) / 3
local out = {}
local s = redis.call('HMGET', KEYS[1], 'broadcastId', 'exposed', 'remaining', 'perUser', 'validFrom', 'validUntil')
local offered = s[1] == ARGV[2] and s[2] == '1' and now >= tonumber(s[5]) and now <= tonumber(s[6])
local perUser = tonumber(s[4])
local remaining = tonumber(s[3])
local took = 0
local users = {}
for i = 1, n do users[i] = ARGV[4 + (i - 1) * 3 + 1] end
local bans = redis.call('HMGET', KEYS[3], unpack(users))
local had = redis.call('HMGET', KEYS[2], unpack(users))
local mineNow, changed = {}, {}
for i = 1, n do
  local a = 4 + (i - 1) * 3
  local user = users[i]
  local outcome, left, mine = 'OK', 0, 0
  local seen = 0
  if ARGV[a + 3] == '1' then
    seen = redis.call('INCR', KEYS[3 + i])
    if seen == 1 then redis.call('PEXPIRE', KEYS[3 + i], windowMs) end
  end
  local ban = bans[i]
  if seen > points then
    outcome = 'RATE_LIMITED'
    left = math.max(1, redis.call('PTTL', KEYS[3 + i]))
  elseif ARGV[a + 2] == '1' or (ban and (ban == '0' or tonumber(ban) > now)) then outcome = 'BANNED'
  elseif not offered then outcome = 'NOT_EXPOSED'
  else
    mine = mineNow[user] or tonumber(had[i] or '0')
    if mine >= perUser then outcome = 'ALREADY_CLAIMED'
    elseif remaining <= 0 then outcome = 'SOLD_OUT'
    else
      remaining = remaining - 1
      took = took + 1
      left = remaining
      mine = mine + 1
      if not mineNow[user] then changed[#changed + 1] = user end
      mineNow[user] = mine
    end
  end
  out[#out + 1] = outcome
  out[#out + 1] = left
  out[#out + 1] = outcome == 'OK' and mine or 0
end
if took > 0 then
  redis.call('HSET', KEYS[1], 'remaining', remaining)
  hsetInOrder(KEYS[2], changed, mineNow)
end
return out
`;

/** One coupon's claims in one script call at most (Redis runs one call at a time: see the hearts' bound). */
const MAX_CLAIMS_PER_CALL = 128;

// Gives a claim back when the broker would not take it -- unless the claims consumer already
// persisted it. A failed publish is ambiguous (a timeout while the broker paused, an ack lost
// with the connection): the event may be in the log all the same. So the give-back and the
// consumer race for the claim's fate key (SET NX): `void` here gives the stock back and the
// consumer (and analytics) drop the event when it comes; `kept` there means the claim stands
// (201). See BurstFates in @live/burst-data-access.
const UNCLAIM = `
if not redis.call('SET', KEYS[3], 'void', 'NX', 'EX', ARGV[2]) then return 0 end
redis.call('HINCRBY', KEYS[1], 'remaining', 1)
redis.call('HINCRBY', KEYS[2], ARGV[1], -1)
return 1
`;

type Run = { liveClaimCoupons(...a: (string | number)[]): Promise<(string | number)[]>; liveUnclaimCoupon(...a: (string | number)[]): Promise<number> };

/** outcome, remaining, ordinal */
type Taken = [string, number, number];

/** A claim waiting for its coupon's next script call. */
interface Queued {
  userId: string;
  globallyBanned: boolean;
  /** counts against the viewer's socket claim window (COUPON_SOCKET_CLAIMS_PER_WINDOW) */
  limited: boolean;
}

@Injectable()
export class CouponsService implements OnModuleInit {
  private readonly logger = new Logger(CouponsService.name);
  /** a coupon's claims of one event-loop turn (key `<show>/<coupon>`), taken in one script call */
  private readonly batches = new TurnBatches<Queued, Taken>(MAX_CLAIMS_PER_CALL, (key, claims) => this.take(key, claims));

  constructor(
    private readonly redis: RedisService,
    private readonly kafka: KafkaService,
    private readonly bans: Bans,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    // no numberOfKeys: each call passes its own count (the coupon's three and one per claim)
    this.redis.client.defineCommand('liveClaimCoupons', { lua: CLAIM });
    this.redis.client.defineCommand('liveUnclaimCoupon', { numberOfKeys: 3, lua: UNCLAIM });
  }

  /** 201 `{ claimId, remaining }` once Kafka has the claim; never oversold whatever the concurrency. */
  async claim(user: Principal, broadcastId: string, couponId: string, { limited = false } = {}): Promise<{ claimId: string; remaining: number }> {
    const globallyBanned = this.bans.globallyBannedFromCopy(user.sub) ?? (await this.bans.globallyBanned(user.sub));
    const [outcome, remaining, ordinal] = await this.batches.add(`${broadcastId}/${couponId}`, { userId: user.sub, globallyBanned, limited });
    if (outcome === 'RATE_LIMITED') throw CouponErrors.rateLimited(Math.max(1, Math.ceil(remaining / 1000)));
    if (outcome === 'BANNED') throw CouponErrors.banned();
    if (outcome === 'NOT_EXPOSED') throw CouponErrors.notExposed();
    if (outcome === 'ALREADY_CLAIMED') throw CouponErrors.alreadyClaimed();
    if (outcome === 'SOLD_OUT') throw CouponErrors.soldOut();
    const claimId = randomUUID();
    try {
      await this.kafka.publish(Topics.CouponClaimed, couponId, {
        eventId: claimId,
        occurredAt: new Date().toISOString(),
        claimId,
        broadcastId: broadcastId,
        couponId,
        userId: user.sub,
        ordinal,
        remaining,
      });
    } catch (err) {
      const { keys, client } = this.redis;
      const gaveBack = await (client as unknown as Run).liveUnclaimCoupon(
        keys.coupon.state(broadcastId, couponId),
        keys.coupon.claims(broadcastId, couponId),
        keys.coupon.claimFate(broadcastId, claimId),
        user.sub,
        FATE_TTL_SECONDS,
      );
      if (!gaveBack) {
        this.logger.warn(`claim publish reported a failure but the claim was persisted: it stands (${claimId})`);
        return { claimId, remaining };
      }
      this.logger.warn(`claim publish failed, giving the coupon back: ${err instanceof Error ? err.message : err}`);
      throw CouponErrors.unavailable();
    }
    return { claimId, remaining };
  }

  private take(key: string, claims: Queued[]): Promise<Taken[]> {
    const [broadcastId, couponId] = key.split('/'); // neither id holds a '/'
    const { keys, client } = this.redis;
    const args: (string | number)[] = [3 + claims.length, keys.coupon.state(broadcastId, couponId), keys.coupon.claims(broadcastId, couponId), keys.broadcast.bans(broadcastId)];
    for (const c of claims) args.push(keys.coupon.claimRate(broadcastId, c.userId));
    args.push(Date.now(), broadcastId, this.config.COUPON_SOCKET_CLAIMS_PER_WINDOW, this.config.COUPON_SOCKET_CLAIM_WINDOW_SECONDS * 1000);
    for (const c of claims) args.push(c.userId, c.globallyBanned ? 1 : 0, c.limited ? 1 : 0);
    return (client as unknown as Run).liveClaimCoupons(...args).then((out) => claims.map((_, i): Taken => [String(out[3 * i]), Number(out[3 * i + 1]), Number(out[3 * i + 2])]));
  }
}
