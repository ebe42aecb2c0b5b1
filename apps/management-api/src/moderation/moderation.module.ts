import { Module } from '@nestjs/common';
import { BroadcastsModule } from '../broadcasts/broadcasts.module';
import { GlobalBansController, ShowModerationController } from './moderation.controller';
import { ModerationService } from './moderation.service';

@Module({
  imports: [BroadcastsModule],
  controllers: [ShowModerationController, GlobalBansController],
  providers: [ModerationService],
})
export class ModerationModule {}
