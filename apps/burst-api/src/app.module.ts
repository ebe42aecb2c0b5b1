import { DynamicModule, Module } from '@nestjs/common';
import { appModule } from '@live/bootstrap';
import { AppConfig, SERVICE } from './app.config';
import { CouponsModule } from './coupons/coupons.module';
import { databaseSpec } from './database';
import { HeartsModule } from './hearts/hearts.module';
import { OffersModule } from './offers/offers.module';
import { PollsModule } from './polls/polls.module';
import { ShowEndModule } from './show-end/show-end.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return appModule(AppModule, AppConfig, { service: SERVICE, config, kafka: true, redis: true, database: databaseSpec }, [HeartsModule, CouponsModule, PollsModule, OffersModule, ShowEndModule]);
  }
}
