import { Module } from '@nestjs/common';
import { OffersConsumer } from './offers.consumer';
import { OffersService } from './offers.service';

@Module({
  controllers: [OffersConsumer],
  providers: [OffersService],
})
export class OffersModule {}
