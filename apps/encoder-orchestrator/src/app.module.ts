import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@live/bootstrap';
import { AppConfig, SERVICE } from './app.config';
import { databaseSpec } from './database';
import { ReplayModule } from './replay/replay.module';
import { VodModule } from './vod/vod.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ service: SERVICE, config, kafka: true, redis: true, database: databaseSpec }),
        VodModule.forRoot(config.ENCODER_STORAGE_DIR),
        ReplayModule.forRoot(config),
      ],
      providers: [{ provide: AppConfig, useValue: config }],
    };
  }
}
