import { Module } from '@nestjs/common';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhooksConsumer } from './webhooks.consumer';
import { DailyReportsController, WebhooksController } from './webhooks.controller';
import { DailyReportService } from './daily-report.service';
import { WebhooksService } from './webhooks.service';

@Module({
  controllers: [WebhooksController, DailyReportsController, WebhooksConsumer],
  providers: [WebhooksService, WebhookDispatcher, DailyReportService],
})
export class WebhooksModule {}
