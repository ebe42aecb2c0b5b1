import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@live/bootstrap';
import { AppConfig, SERVICE } from './app.config';
import { databaseSpec } from './database';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ service: SERVICE, config, kafka: true, database: databaseSpec })],
      providers: [{ provide: AppConfig, useValue: config }],
    };
  }
}
