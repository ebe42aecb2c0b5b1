import { Module } from '@nestjs/common';
import { BroadcastsModule } from '../broadcasts/broadcasts.module';
import { ProductsController, ShowProductsController } from './products.controller';
import { ProductsService } from './products.service';

@Module({
  imports: [BroadcastsModule],
  controllers: [ProductsController, ShowProductsController],
  providers: [ProductsService],
  exports: [ProductsService],
})
export class ProductsModule {}
