import { Module } from '@nestjs/common';
import { BansModule } from '@live/management-bans';
import { BurstRepository } from '@live/burst-data-access';
import { HeartsLog } from './hearts-log';
import { HeartsController } from './hearts.controller';
import { HeartsService } from './hearts.service';

@Module({
  imports: [BansModule],
  controllers: [HeartsController],
  providers: [BurstRepository, HeartsLog, HeartsService],
  exports: [HeartsLog],
})
export class HeartsModule {}
