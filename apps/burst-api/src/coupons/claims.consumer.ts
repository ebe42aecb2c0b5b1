import { Controller, OnModuleInit } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { BurstRepository } from '@live/burst-data-access';
import { Groups, Topics } from '@live/contracts';
import { EventBatch } from '@live/kafka';
import { RedisService } from '@live/redis';
import { CLAIM_FATE_TTL_SECONDS } from './coupons.service';

// `kept` unless burst-api already voided the claim (its publish failed and it gave the stock
// back): see UNCLAIM in coupons.service.ts. 1 = persist, 0 = drop.
const KEEP = `
if redis.call('SET', KEYS[1], 'kept', 'NX', 'EX', ARGV[1]) then return 1 end
if redis.call('GET', KEYS[1]) == 'kept' then return 1 end
return 0
`;

type Run = { liveKeepClaim(key: string, ttl: number): Promise<number> };

/** Claims are durable once Kafka has them; this persists them (idempotent on claimId), except a claim whose stock was given back. */
@Controller()
export class ClaimsConsumer implements OnModuleInit {
  constructor(
    private readonly repository: BurstRepository,
    private readonly redis: RedisService,
  ) {}

  onModuleInit(): void {
    this.redis.client.defineCommand('liveKeepClaim', { numberOfKeys: 1, lua: KEEP });
  }

  @EventPattern(Groups.BurstClaims, { topics: [Topics.CouponClaimed] })
  async handle(batch: EventBatch<typeof Topics.CouponClaimed>): Promise<void> {
    const run = this.redis.client as unknown as Run;
    // one key per claim, each in its show's slot: one command each (no cross-slot script)
    const keep = await Promise.all(batch.map((e) => run.liveKeepClaim(this.redis.keys.coupon.claimFate(e.value.broadcastId, e.value.claimId), CLAIM_FATE_TTL_SECONDS)));
    return this.repository.insertClaims(batch.filter((_, i) => keep[i] === 1).map((e) => e.value));
  }
}
