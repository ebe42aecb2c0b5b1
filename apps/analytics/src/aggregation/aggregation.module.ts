import { Module } from '@nestjs/common';
import { AnalyticsRepository } from '@live/analytics-data-access';
import { BurstFates } from '@live/burst-data-access';
import { AggregationConsumer } from './aggregation.consumer';
import { AggregationService } from './aggregation.service';

@Module({
  controllers: [AggregationConsumer],
  providers: [AnalyticsRepository, BurstFates, AggregationService],
})
export class AggregationModule {}
