import { DynamicModule, Module } from '@nestjs/common';
import { appModule } from '@live/bootstrap';
import { AppConfig, SERVICE } from './app.config';
import { databaseSpec } from './database';
import { LiveModule } from './live/live.module';
import { ReplayModule } from './replay/replay.module';
import { VodModule } from './vod/vod.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return appModule(AppModule, AppConfig, { service: SERVICE, config, kafka: true, redis: true, database: databaseSpec }, [
      VodModule.forRoot(config.ENCODER_STORAGE_DIR),
      ReplayModule.forRoot(config),
      LiveModule.forRoot(config),
    ]);
  }
}
