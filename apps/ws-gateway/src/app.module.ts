import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@live/app';
import { AppConfig, SERVICE } from './app.config';
import { ChatLog } from './chat/chat-log';
import { ChatModerationConsumer } from './chat/chat-moderation.consumer';
import { CountersService } from './counters/counters.service';
import { OverlaysConsumer } from './overlays/overlays.consumer';
import { PresenceLog } from './presence/presence-log';
import { PresenceService } from './presence/presence.service';
import { ConnectionsMetric } from './realtime/connections.metric';
import { RealtimeServer } from './realtime/realtime.server';
import { RoomsHandler } from './realtime/rooms.handler';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ service: SERVICE, config, kafka: true, redis: true })],
      providers: [
        { provide: AppConfig, useValue: config },
        RealtimeServer,
        ConnectionsMetric,
        ChatLog,
        RoomsHandler,
        OverlaysConsumer,
        ChatModerationConsumer,
        PresenceService,
        PresenceLog,
        CountersService,
      ],
    };
  }
}
