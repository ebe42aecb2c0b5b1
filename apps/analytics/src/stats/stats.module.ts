import { Module } from '@nestjs/common';
import { AnalyticsRepository } from '@live/analytics-data-access';
import { StreamHealthModule } from '../stream-health/stream-health.module';
import { ScoreboardService } from './scoreboard.service';
import { StatsController } from './stats.controller';
import { StatsService } from './stats.service';

@Module({
  imports: [StreamHealthModule],
  controllers: [StatsController],
  providers: [AnalyticsRepository, ScoreboardService, StatsService],
})
export class StatsModule {}
