import { DynamicModule, Module } from '@nestjs/common';
import { appModule } from '@live/bootstrap';
import { AppConfig, SERVICE } from './app.config';
import { CountersModule } from './counters/counters.module';
import { OverlaysModule } from './overlays/overlays.module';
import { PresenceModule } from './presence/presence.module';
import { RealtimeModule } from './realtime/realtime.module';
import { RoomsModule } from './rooms/rooms.module';
import { StatsModule } from './stats/stats.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return appModule(AppModule, AppConfig, { service: SERVICE, config, kafka: true, redis: true }, [RealtimeModule, RoomsModule, StatsModule, OverlaysModule, PresenceModule, CountersModule]);
  }
}
