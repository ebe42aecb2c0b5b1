import { Module } from '@nestjs/common';
import { BurstRepository } from '@live/burst-data-access';
import { ClaimsConsumer } from './claims.consumer';
import { CouponsController } from './coupons.controller';
import { CouponsService } from './coupons.service';

@Module({
  controllers: [CouponsController, ClaimsConsumer],
  providers: [BurstRepository, CouponsService],
})
export class CouponsModule {}
