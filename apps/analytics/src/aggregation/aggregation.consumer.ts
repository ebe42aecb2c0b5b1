import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Groups } from '@live/contracts';
import { EventBatch } from '@live/kafka';
import { AGGREGATED_TOPICS, AggregatedTopic, AggregationService } from './aggregation.service';

@Controller()
export class AggregationConsumer {
  constructor(private readonly aggregator: AggregationService) {}

  @EventPattern(Groups.AnalyticsAggregate, {
    topics: AGGREGATED_TOPICS,
    partitionsConsumedConcurrently: 3,
    // fuller batches, fewer transactions; the scoreboard's second dominates the lag anyway
    fetch: { minBytes: 64 * 1024, maxWaitTimeInMs: 100 },
  })
  handle(batch: EventBatch<AggregatedTopic>): Promise<void> {
    return this.aggregator.handle(batch);
  }
}
