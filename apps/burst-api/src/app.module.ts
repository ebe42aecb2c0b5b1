import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@live/app';
import { BansModule } from '@live/management-bans';
import { AppConfig, SERVICE } from './app.config';
import { CouponsController } from './coupons/coupons.controller';
import { CouponsService } from './coupons/coupons.service';
import { databaseSpec } from './database';
import { HeartsController } from './hearts/hearts.controller';
import { HeartsLog } from './hearts/hearts-log';
import { HeartsService } from './hearts/hearts.service';
import { VotesController } from './polls/votes.controller';
import { VotesService } from './polls/votes.service';
import { ShowEndService } from './show-end/show-end.service';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ service: SERVICE, config, kafka: true, redis: true, database: databaseSpec }), BansModule],
      controllers: [HeartsController, CouponsController, VotesController],
      providers: [{ provide: AppConfig, useValue: config }, ShowEndService, HeartsLog, HeartsService, CouponsService, VotesService],
    };
  }
}
