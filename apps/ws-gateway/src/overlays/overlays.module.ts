import { Module } from '@nestjs/common';
import { OverlaysConsumer } from './overlays.consumer';
import { OverlaysService } from './overlays.service';

@Module({
  controllers: [OverlaysConsumer],
  providers: [OverlaysService],
  exports: [OverlaysService],
})
export class OverlaysModule {}
