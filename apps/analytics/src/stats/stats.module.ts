import { Module } from '@nestjs/common';
import { AnalyticsRepository } from '@live/analytics-data-access';
import { ScoreboardService } from './scoreboard.service';
import { StatsController } from './stats.controller';
import { StatsService } from './stats.service';

@Module({
  controllers: [StatsController],
  providers: [AnalyticsRepository, ScoreboardService, StatsService],
})
export class StatsModule {}
