import { Module } from '@nestjs/common';
import { CatalogueController, SellersController } from './catalogue.controller';
import { CatalogueService } from './catalogue.service';
import { PublicCacheInterceptor } from './catalogue.cache';

@Module({
  controllers: [CatalogueController, SellersController],
  providers: [CatalogueService, PublicCacheInterceptor],
  exports: [CatalogueService],
})
export class CatalogueModule {}
