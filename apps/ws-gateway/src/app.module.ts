import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@live/app';
import { AppConfig, SERVICE } from './app.config';
import { OverlaysConsumer } from './overlays/overlays.consumer';
import { RealtimeServer } from './realtime/realtime.server';
import { RoomsHandler } from './realtime/rooms.handler';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ service: SERVICE, config, kafka: true, redis: true })],
      providers: [{ provide: AppConfig, useValue: config }, RealtimeServer, RoomsHandler, OverlaysConsumer],
    };
  }
}
