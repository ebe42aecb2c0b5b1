import { Module } from '@nestjs/common';
import { BansModule } from '@live/management-bans';
import { BurstRepository } from '@live/burst-data-access';
import { HeartsLog } from './hearts-log';
import { RealtimeModule } from '../realtime/realtime.module';
import { HeartsController } from './hearts.controller';
import { HeartsGateway } from './hearts.gateway';
import { HeartsService } from './hearts.service';

@Module({
  imports: [BansModule, RealtimeModule],
  controllers: [HeartsController],
  providers: [BurstRepository, HeartsLog, HeartsService, HeartsGateway],
  exports: [HeartsLog],
})
export class HeartsModule {}
