import { Module } from '@nestjs/common';
import { BurstRepository } from '@live/burst-data-access';
import { HeartsModule } from '../hearts/hearts.module';
import { ShowEndConsumer } from './show-end.consumer';
import { ShowEndService } from './show-end.service';

@Module({
  imports: [HeartsModule],
  controllers: [ShowEndConsumer],
  providers: [BurstRepository, ShowEndService],
})
export class ShowEndModule {}
