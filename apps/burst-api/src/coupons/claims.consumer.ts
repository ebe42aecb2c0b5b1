import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { BurstRepository } from '@live/burst-data-access';
import { Groups, Topics } from '@live/contracts';
import { EventBatch } from '@live/kafka';

/** Claims are durable once Kafka has them; this persists them (idempotent on claimId). */
@Controller()
export class ClaimsConsumer {
  constructor(private readonly repository: BurstRepository) {}

  @EventPattern(Groups.BurstClaims, { topics: [Topics.CouponClaimed] })
  handle(batch: EventBatch<typeof Topics.CouponClaimed>): Promise<void> {
    return this.repository.insertClaims(batch.map((e) => e.value));
  }
}
