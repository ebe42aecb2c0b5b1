import { DynamicModule, Module } from '@nestjs/common';
import { appModule } from '@live/bootstrap';
import { AppConfig, SERVICE } from './app.config';
import { MessagesModule } from './messages/messages.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return appModule(AppModule, AppConfig, { service: SERVICE, config, kafka: true, redis: true }, [MessagesModule]);
  }
}
