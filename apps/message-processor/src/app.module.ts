import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@live/app';
import { AppConfig, SERVICE } from './app.config';
import { databaseSpec } from './database';
import { DeliveryModule } from './delivery/delivery.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      // the config is every feature module's to inject
      global: true,
      imports: [PlatformModule.forRoot({ service: SERVICE, config, kafka: true, redis: true, database: databaseSpec }), DeliveryModule],
      providers: [{ provide: AppConfig, useValue: config }],
      exports: [AppConfig],
    };
  }
}
