import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@live/app';
import { BansModule } from '@live/management-bans';
import { AppConfig, SERVICE } from './app.config';
import { MessagesController } from './messages/messages.controller';
import { MessagesService } from './messages/messages.service';
import { RateLimiter } from './messages/rate-limiter';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ service: SERVICE, config, kafka: true, redis: true }), BansModule],
      controllers: [MessagesController],
      providers: [{ provide: AppConfig, useValue: config }, RateLimiter, MessagesService],
    };
  }
}
