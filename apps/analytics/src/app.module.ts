import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@live/app';
import { AnalyticsRepository } from '@live/analytics-data-access';
import { AggregatorService } from './aggregation/aggregator.service';
import { AppConfig, SERVICE } from './app.config';
import { databaseSpec } from './database';
import { ScoreboardService } from './stats/scoreboard.service';
import { StatsController } from './stats/stats.controller';
import { StatsService } from './stats/stats.service';
import { StreamHealthConsumer } from './stream-health/stream-health.consumer';
import { StreamHealthService } from './stream-health/stream-health.service';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ service: SERVICE, config, kafka: true, redis: true, database: databaseSpec })],
      controllers: [StatsController],
      providers: [{ provide: AppConfig, useValue: config }, AnalyticsRepository, AggregatorService, ScoreboardService, StatsService, StreamHealthService, StreamHealthConsumer],
    };
  }
}
