import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@live/app';
import { AppConfig, SERVICE } from './app.config';
import { databaseSpec } from './database';
import { HeartsController } from './hearts/hearts.controller';
import { HeartsService } from './hearts/hearts.service';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ service: SERVICE, config, kafka: true, redis: true, database: databaseSpec })],
      controllers: [HeartsController],
      providers: [{ provide: AppConfig, useValue: config }, HeartsService],
    };
  }
}
