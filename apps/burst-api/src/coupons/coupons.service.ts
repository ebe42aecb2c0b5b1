import { Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { AppError, CommonErrors } from '@live/app';
import { Principal } from '@live/auth';
import { Topics } from '@live/contracts';
import { KafkaService } from '@live/kafka';
import { Bans } from '@live/management-bans';
import { RedisService } from '@live/redis';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SHOW_ID = /^[A-Za-z0-9-]{1,64}$/;

// Atomic: the coupon is this show's, exposed and inside its window, the viewer is under its
// limit and there is stock -> take one. Redis runs it alone, so nothing is ever oversold.
// burst-api learns a coupon when management exposes it: to a viewer, a coupon it does not
// know (never exposed, another show's, no such id) is simply not on offer (409).
const CLAIM = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'NOT_EXPOSED'} end
local s = redis.call('HMGET', KEYS[1], 'broadcastId', 'exposed', 'remaining', 'perUser', 'validFrom', 'validUntil')
if s[1] ~= ARGV[3] then return {'NOT_EXPOSED'} end
local now = tonumber(ARGV[2])
if s[2] ~= '1' or now < tonumber(s[5]) or now > tonumber(s[6]) then return {'NOT_EXPOSED'} end
local mine = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if mine >= tonumber(s[4]) then return {'ALREADY_CLAIMED'} end
local remaining = tonumber(s[3])
if remaining <= 0 then return {'SOLD_OUT'} end
redis.call('HSET', KEYS[1], 'remaining', remaining - 1)
redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
return {'OK', remaining - 1, mine + 1}
`;

// Gives a claim back when the broker would not take it (nothing half-written).
const UNCLAIM = `
redis.call('HINCRBY', KEYS[1], 'remaining', 1)
redis.call('HINCRBY', KEYS[2], ARGV[1], -1)
return 1
`;

export const CouponErrors = {
  notExposed: () => new AppError(409, 'NOT_EXPOSED', 'the coupon is not on offer right now', 'couponId'),
  alreadyClaimed: () => new AppError(409, 'ALREADY_CLAIMED', 'you already claimed this coupon', 'couponId'),
  soldOut: () => new AppError(410, 'SOLD_OUT', 'the coupon is sold out', 'couponId'),
  unavailable: () => new AppError(503, 'BROKER_UNAVAILABLE', 'claims are briefly unavailable; try again', undefined, { 'Retry-After': '1' }),
};

type Run = { liveClaimCoupon(...a: (string | number)[]): Promise<(string | number)[]>; liveUnclaimCoupon(...a: (string | number)[]): Promise<number> };

@Injectable()
export class CouponsService implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(CouponsService.name);

  constructor(
    private readonly redis: RedisService,
    private readonly kafka: KafkaService,
    private readonly dataSource: DataSource,
    private readonly bans: Bans,
  ) {}

  onModuleInit(): void {
    this.redis.client.defineCommand('liveClaimCoupon', { numberOfKeys: 2, lua: CLAIM });
    this.redis.client.defineCommand('liveUnclaimCoupon', { numberOfKeys: 2, lua: UNCLAIM });
  }

  async onApplicationBootstrap(): Promise<void> {
    const { keys } = this.redis;
    // the coupons management exposes and hides: their terms, and the stock (set once)
    await this.kafka
      .createConsumer({
        groupId: 'burst-api.coupons',
        topics: [Topics.OverlayChanged],
        handleBatch: async (events) => {
          const tx = this.redis.multiPerSlot();
          for (const { value } of events) {
            if (!value.key.startsWith('coupon:')) continue;
            const couponId = value.key.slice('coupon:'.length);
            const state = keys.coupon.state(value.broadcastId, couponId);
            tx.sadd(keys.broadcast.coupons(value.broadcastId), couponId);
            if (value.action === 'show' && value.overlay) {
              const d = value.overlay.data as { totalQuantity: number; perUserLimit: number; validFrom: string; validUntil: string };
              tx.hset(state, {
                broadcastId: value.broadcastId,
                exposed: '1',
                perUser: String(d.perUserLimit),
                validFrom: String(Date.parse(d.validFrom)),
                validUntil: String(Date.parse(d.validUntil)),
              });
              tx.hsetnx(state, 'remaining', String(d.totalQuantity));
            } else {
              tx.hset(state, 'exposed', '0');
            }
          }
          await tx.exec();
        },
      })
      .start();

    // claims are durable once Kafka has them; this persists them (idempotent on claimId)
    await this.kafka
      .createConsumer({
        groupId: 'burst-api.claims',
        topics: [Topics.CouponClaimed],
        handleBatch: async (events) => {
          const rows = events.map((e) => e.value);
          await this.dataSource.query(
            `INSERT INTO burst.coupon_claims (claim_id, coupon_id, broadcast_id, user_id, ordinal, claimed_at)
             SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::int[], $6::timestamptz[])
             ON CONFLICT DO NOTHING`,
            [rows.map((r) => r.claimId), rows.map((r) => r.couponId), rows.map((r) => r.broadcastId), rows.map((r) => r.userId), rows.map((r) => r.ordinal), rows.map((r) => r.occurredAt)],
          );
        },
      })
      .start();
  }

  /** 201 `{ claimId, remaining }` once Kafka has the claim; never oversold whatever the concurrency. */
  async claim(user: Principal, showId: string, couponId: string): Promise<{ claimId: string; remaining: number }> {
    if (!SHOW_ID.test(showId)) throw CommonErrors.validation('id', 'id: must be a broadcast id');
    if (!UUID.test(couponId)) throw CommonErrors.validation('couponId', 'couponId: must be a UUID');
    const { keys, client } = this.redis;
    if (await this.bans.banned(showId, user.sub)) throw new AppError(403, 'BANNED', 'you are banned from this show');
    const run = client as unknown as Run;
    const state = keys.coupon.state(showId, couponId);
    const claims = keys.coupon.claims(showId, couponId);
    const [outcome, remaining, ordinal] = await run.liveClaimCoupon(state, claims, user.sub, Date.now(), showId);
    if (outcome === 'NOT_EXPOSED') throw CouponErrors.notExposed();
    if (outcome === 'ALREADY_CLAIMED') throw CouponErrors.alreadyClaimed();
    if (outcome === 'SOLD_OUT') throw CouponErrors.soldOut();
    const claimId = randomUUID();
    try {
      await this.kafka.publish(Topics.CouponClaimed, couponId, {
        eventId: claimId,
        occurredAt: new Date().toISOString(),
        claimId,
        broadcastId: showId,
        couponId,
        userId: user.sub,
        ordinal: Number(ordinal),
        remaining: Number(remaining),
      });
    } catch (err) {
      this.logger.warn(`claim publish failed, giving the coupon back: ${err instanceof Error ? err.message : err}`);
      await run.liveUnclaimCoupon(state, claims, user.sub);
      throw CouponErrors.unavailable();
    }
    return { claimId, remaining: Number(remaining) };
  }
}
