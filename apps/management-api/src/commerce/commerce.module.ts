import { Module } from '@nestjs/common';
import { CommerceConsumer } from './commerce.consumer';
import { MeController, RedemptionsController } from './commerce.controller';
import { CommerceService } from './commerce.service';

@Module({
  controllers: [CommerceConsumer, MeController, RedemptionsController],
  providers: [CommerceService],
})
export class CommerceModule {}
