import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Principal } from '@live/auth';
import { Topics } from '@live/contracts';
import { KafkaService } from '@live/kafka';
import { FATE_TTL_SECONDS } from '@live/burst-data-access';
import { Bans } from '@live/management-bans';
import { RedisService } from '@live/redis';
import { randomUUID } from 'node:crypto';
import { CouponErrors } from './coupons.errors';

// Atomic: the viewer is not banned (from the show: its bans hash, in the same slot, with
// Bans' rule; from every show: ARGV[4], Bans' process copy), the coupon is this show's,
// exposed and inside its window, the viewer is under its limit and there is stock -> take
// one. Redis runs it alone, so nothing is ever oversold, and a claim is one round trip.
// burst-api learns a coupon when management exposes it: to a viewer, a coupon it does not
// know (never exposed, another show's, no such id) is simply not on offer (409).
const CLAIM = `
local now = tonumber(ARGV[2])
if ARGV[4] == '1' then return {'BANNED'} end
local ban = redis.call('HGET', KEYS[3], ARGV[1])
if ban and (ban == '0' or tonumber(ban) > now) then return {'BANNED'} end
if redis.call('EXISTS', KEYS[1]) == 0 then return {'NOT_EXPOSED'} end
local s = redis.call('HMGET', KEYS[1], 'broadcastId', 'exposed', 'remaining', 'perUser', 'validFrom', 'validUntil')
if s[1] ~= ARGV[3] then return {'NOT_EXPOSED'} end
if s[2] ~= '1' or now < tonumber(s[5]) or now > tonumber(s[6]) then return {'NOT_EXPOSED'} end
local mine = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if mine >= tonumber(s[4]) then return {'ALREADY_CLAIMED'} end
local remaining = tonumber(s[3])
if remaining <= 0 then return {'SOLD_OUT'} end
redis.call('HSET', KEYS[1], 'remaining', remaining - 1)
redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
return {'OK', remaining - 1, mine + 1}
`;

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

type Run = { liveClaimCoupon(...a: (string | number)[]): Promise<(string | number)[]>; liveUnclaimCoupon(...a: (string | number)[]): Promise<number> };

@Injectable()
export class CouponsService implements OnModuleInit {
  private readonly logger = new Logger(CouponsService.name);

  constructor(
    private readonly redis: RedisService,
    private readonly kafka: KafkaService,
    private readonly bans: Bans,
  ) {}

  onModuleInit(): void {
    this.redis.client.defineCommand('liveClaimCoupon', { numberOfKeys: 3, lua: CLAIM });
    this.redis.client.defineCommand('liveUnclaimCoupon', { numberOfKeys: 3, lua: UNCLAIM });
  }

  /** 201 `{ claimId, remaining }` once Kafka has the claim; never oversold whatever the concurrency. */
  async claim(user: Principal, broadcastId: string, couponId: string): Promise<{ claimId: string; remaining: number }> {
    const { keys, client } = this.redis;
    const now = Date.now();
    const globallyBanned = await this.bans.globallyBanned(user.sub, now);
    const run = client as unknown as Run;
    const state = keys.coupon.state(broadcastId, couponId);
    const claims = keys.coupon.claims(broadcastId, couponId);
    const showBans = keys.broadcast.bans(broadcastId);
    const [outcome, remaining, ordinal] = await run.liveClaimCoupon(state, claims, showBans, user.sub, now, broadcastId, globallyBanned ? 1 : 0);
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
        ordinal: Number(ordinal),
        remaining: Number(remaining),
      });
    } catch (err) {
      const gaveBack = await run.liveUnclaimCoupon(state, claims, keys.coupon.claimFate(broadcastId, claimId), user.sub, FATE_TTL_SECONDS);
      if (!gaveBack) {
        this.logger.warn(`claim publish reported a failure but the claim was persisted: it stands (${claimId})`);
        return { claimId, remaining: Number(remaining) };
      }
      this.logger.warn(`claim publish failed, giving the coupon back: ${err instanceof Error ? err.message : err}`);
      throw CouponErrors.unavailable();
    }
    return { claimId, remaining: Number(remaining) };
  }
}
