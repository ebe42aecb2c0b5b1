import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { CouponClaimedV1, Groups, PollVotedV1, Topics } from '@live/contracts';
import { BULK_FETCH, EventBatch } from '@live/kafka';
import { CommerceService } from './commerce.service';

/** Won claims get their coupon codes; votes become a viewer's own list. Both idempotent. */
@Controller()
export class CommerceConsumer {
  constructor(private readonly commerce: CommerceService) {}

  @EventPattern(Groups.ManagementCommerce, { topics: [Topics.CouponClaimed, Topics.PollVoted], fetch: BULK_FETCH })
  async handle(batch: EventBatch<typeof Topics.CouponClaimed | typeof Topics.PollVoted>): Promise<void> {
    const claims = batch.filter((e) => e.topic === Topics.CouponClaimed).map((e) => e.value as CouponClaimedV1);
    const votes = batch.filter((e) => e.topic === Topics.PollVoted).map((e) => e.value as PollVotedV1);
    await this.commerce.issueCodes(claims);
    await this.commerce.recordVotes(votes);
  }
}
