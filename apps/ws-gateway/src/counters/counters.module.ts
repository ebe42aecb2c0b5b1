import { Module } from '@nestjs/common';
import { BurstCounters } from '@live/burst-data-access';
import { OverlaysModule } from '../overlays/overlays.module';
import { CountersService } from './counters.service';

@Module({
  imports: [OverlaysModule],
  providers: [BurstCounters, CountersService],
})
export class CountersModule {}
