import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@live/app';
import { AppConfig, SERVICE } from './app.config';
import { databaseSpec } from './database';
import { LiveModule } from './live/live.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ service: SERVICE, config, kafka: true, redis: true, database: databaseSpec }), LiveModule.forRoot(config)],
      providers: [{ provide: AppConfig, useValue: config }],
    };
  }
}
