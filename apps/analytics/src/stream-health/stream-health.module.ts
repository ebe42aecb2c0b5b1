import { Module } from '@nestjs/common';
import { StreamHealthConsumer } from './stream-health.consumer';
import { StreamHealthService } from './stream-health.service';

/** The latest health of each live stream, for the scoreboard's ticks. */
@Module({
  controllers: [StreamHealthConsumer],
  providers: [StreamHealthService],
  exports: [StreamHealthService],
})
export class StreamHealthModule {}
