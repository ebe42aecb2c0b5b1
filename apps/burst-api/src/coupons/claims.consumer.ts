import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { BurstFates, BurstRepository } from '@live/burst-data-access';
import { Groups, Topics } from '@live/contracts';
import { BULK_FETCH, EventBatch } from '@live/kafka';

/** Claims are durable once Kafka has them; this persists them (idempotent on claimId), except a claim whose stock was given back. */
@Controller()
export class ClaimsConsumer {
  constructor(
    private readonly repository: BurstRepository,
    private readonly fates: BurstFates,
  ) {}

  @EventPattern(Groups.BurstClaims, { topics: [Topics.CouponClaimed], fetch: BULK_FETCH })
  async handle(batch: EventBatch<typeof Topics.CouponClaimed>): Promise<void> {
    // `kept` unless burst-api already voided the claim (see UNCLAIM in coupons.service.ts)
    const keep = await this.fates.settleClaims(batch.map((e) => e.value));
    return this.repository.insertClaims(batch.filter((_, i) => keep[i]).map((e) => e.value));
  }
}
