import { Module } from '@nestjs/common';
import { BansModule } from '@live/management-bans';
import { VotesController } from './votes.controller';
import { VotesService } from './votes.service';

@Module({
  imports: [BansModule],
  controllers: [VotesController],
  providers: [VotesService],
})
export class PollsModule {}
