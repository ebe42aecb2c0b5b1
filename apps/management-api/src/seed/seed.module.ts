import { Module } from '@nestjs/common';
import { BroadcastsModule } from '../broadcasts/broadcasts.module';
import { CouponsModule } from '../coupons/coupons.module';
import { PollsModule } from '../polls/polls.module';
import { ProductsModule } from '../products/products.module';
import { SeedService } from './seed.service';

@Module({
  imports: [BroadcastsModule, ProductsModule, CouponsModule, PollsModule],
  providers: [SeedService],
})
export class SeedModule {}
