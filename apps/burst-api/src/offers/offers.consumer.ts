import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Groups, Topics } from '@live/contracts';
import { EventBatch } from '@live/kafka';
import { OffersService } from './offers.service';

/** One projection of the coupon and poll overlays management publishes. */
@Controller()
export class OffersConsumer {
  constructor(private readonly offers: OffersService) {}

  @EventPattern(Groups.BurstOverlays, { topics: [Topics.OverlayChanged] })
  handle(batch: EventBatch<typeof Topics.OverlayChanged>): Promise<void> {
    return this.offers.apply(batch.map((e) => e.value));
  }
}
