import { DynamicModule, Module } from '@nestjs/common';
import { appModule } from '@live/bootstrap';
import { AppConfig, SERVICE } from './app.config';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuditModule } from './audit/audit.module';
import { BroadcastsModule } from './broadcasts/broadcasts.module';
import { CatalogueModule } from './catalogue/catalogue.module';
import { CommerceModule } from './commerce/commerce.module';
import { CouponsModule } from './coupons/coupons.module';
import { databaseSpec } from './database';
import { MirrorModule } from './mirror/mirror.module';
import { ModerationModule } from './moderation/moderation.module';
import { NoticesModule } from './notices/notices.module';
import { OutboxModule } from './outbox/outbox.module';
import { PollsModule } from './polls/polls.module';
import { ProductsModule } from './products/products.module';
import { SeedModule } from './seed/seed.module';
import { StreamKeysModule } from './stream-keys/stream-keys.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return appModule(AppModule, AppConfig, { service: SERVICE, config, kafka: true, redis: true, database: databaseSpec }, [OutboxModule, BroadcastsModule, ProductsModule, CouponsModule, NoticesModule, PollsModule, ModerationModule, AuditModule, MirrorModule, SeedModule, StreamKeysModule.forRoot(config.RTMP_INGEST_URL, { host: config.SRT_INGEST_HOST, secret: config.SRT_SECRET }), ApiKeysModule, CatalogueModule, CommerceModule, WebhooksModule]);
  }
}
