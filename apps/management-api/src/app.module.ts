import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@live/app';
import { AppConfig, SERVICE } from './app.config';
import { AuditController } from './audit/audit.controller';
import { BroadcastsController } from './broadcasts/broadcasts.controller';
import { BroadcastsService } from './broadcasts/broadcasts.service';
import { CouponsController, CouponsService } from './coupons/coupons';
import { databaseSpec } from './database';
import { MirrorConsumer } from './mirror/mirror.consumer';
import { GlobalBansController, ModerationService, ShowModerationController } from './moderation/moderation';
import { NoticesController, NoticesService } from './notices/notices';
import { ManagementTx } from './outbox/management-tx';
import { OutboxRelay } from './outbox/outbox.relay';
import { PollsController, PollsService } from './polls/polls';
import { ProductsController, ShowProductsController } from './products/products.controller';
import { ProductsService } from './products/products.service';
import { DemoSeed } from './seed/demo-seed';
import { StreamKeysModule } from './stream-keys/stream-keys.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ service: SERVICE, config, kafka: true, redis: true, database: databaseSpec }), StreamKeysModule.forRoot(config.RTMP_INGEST_URL)],
      controllers: [
        BroadcastsController,
        ProductsController,
        ShowProductsController,
        CouponsController,
        NoticesController,
        PollsController,
        ShowModerationController,
        GlobalBansController,
        AuditController,
      ],
      providers: [
        { provide: AppConfig, useValue: config },
        OutboxRelay,
        ManagementTx,
        BroadcastsService,
        ProductsService,
        CouponsService,
        NoticesService,
        PollsService,
        ModerationService,
        MirrorConsumer,
        DemoSeed,
      ],
    };
  }
}
