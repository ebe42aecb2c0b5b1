import { Module } from '@nestjs/common';
import { BansModule } from '@live/management-bans';
import { BurstFates, BurstRepository } from '@live/burst-data-access';
import { ClaimsConsumer } from './claims.consumer';
import { CouponsController } from './coupons.controller';
import { CouponsService } from './coupons.service';

@Module({
  imports: [BansModule],
  controllers: [CouponsController, ClaimsConsumer],
  providers: [BurstRepository, BurstFates, CouponsService],
})
export class CouponsModule {}
