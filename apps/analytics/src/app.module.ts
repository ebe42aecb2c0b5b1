import { DynamicModule, Module } from '@nestjs/common';
import { appModule } from '@live/bootstrap';
import { AggregationModule } from './aggregation/aggregation.module';
import { AppConfig, SERVICE } from './app.config';
import { databaseSpec } from './database';
import { StatsModule } from './stats/stats.module';
import { StreamHealthModule } from './stream-health/stream-health.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return appModule(AppModule, AppConfig, { service: SERVICE, config, kafka: true, redis: true, database: databaseSpec }, [AggregationModule, StreamHealthModule, StatsModule]);
  }
}
