import { Module } from '@nestjs/common';
import { BurstRepository } from '@live/burst-data-access';
import { HeartsLog } from './hearts-log';
import { HeartsController } from './hearts.controller';
import { HeartsService } from './hearts.service';

@Module({
  controllers: [HeartsController],
  providers: [BurstRepository, HeartsLog, HeartsService],
  exports: [HeartsLog],
})
export class HeartsModule {}
