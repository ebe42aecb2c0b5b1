import { Module } from '@nestjs/common';
import { BansModule } from '@live/management-bans';
import { BurstFates, BurstRepository } from '@live/burst-data-access';
import { RealtimeModule } from '../realtime/realtime.module';
import { ClaimsConsumer } from './claims.consumer';
import { CouponsController } from './coupons.controller';
import { CouponsGateway } from './coupons.gateway';
import { CouponsService } from './coupons.service';

@Module({
  imports: [BansModule, RealtimeModule],
  controllers: [CouponsController, ClaimsConsumer],
  providers: [BurstRepository, BurstFates, CouponsService, CouponsGateway],
})
export class CouponsModule {}
