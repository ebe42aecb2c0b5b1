import { Module } from '@nestjs/common';
import { BansModule } from '@live/management-bans';
import { RealtimeModule } from '../realtime/realtime.module';
import { VotesController } from './votes.controller';
import { VotesGateway } from './votes.gateway';
import { VotesService } from './votes.service';

@Module({
  imports: [BansModule, RealtimeModule],
  controllers: [VotesController],
  providers: [VotesService, VotesGateway],
})
export class PollsModule {}
