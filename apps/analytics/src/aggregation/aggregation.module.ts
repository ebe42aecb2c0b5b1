import { Module } from '@nestjs/common';
import { AnalyticsRepository } from '@live/analytics-data-access';
import { AggregationConsumer } from './aggregation.consumer';
import { AggregationService } from './aggregation.service';

@Module({
  controllers: [AggregationConsumer],
  providers: [AnalyticsRepository, AggregationService],
})
export class AggregationModule {}
