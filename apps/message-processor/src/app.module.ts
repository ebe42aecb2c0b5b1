import { DynamicModule, Module } from '@nestjs/common';
import { appModule } from '@live/bootstrap';
import { AppConfig, SERVICE } from './app.config';
import { databaseSpec } from './database';
import { DeliveryModule } from './delivery/delivery.module';
import { ModerationModule } from './moderation/moderation.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return appModule(AppModule, AppConfig, { service: SERVICE, config, kafka: true, redis: true, database: databaseSpec }, [DeliveryModule, ModerationModule]);
  }
}
