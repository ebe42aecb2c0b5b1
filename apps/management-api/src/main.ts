import 'reflect-metadata';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { startService } from '@live/bootstrap';
import { AppConfig, SERVICE } from './app.config';
import { AppModule } from './app.module';

void startService(SERVICE, AppConfig, (config) => AppModule.forRoot(config), (app) => {
  const doc = new DocumentBuilder()
    .setTitle('management-api')
    .setDescription(
      'The admin console API: shows and their lifecycle, products, coupons, notices, polls, moderation and the audit log; ' +
        'the public show catalogue (/v1/catalogue, no token, Cache-Control + ETag); shop API keys, stock reservations, coupon code redemption and signed webhooks. ' +
        'Errors answer { code, message, field?, correlationId }.',
    )
    .setVersion('1')
    .addBearerAuth()
    .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key', description: "a shop's API key (POST /v1/api-keys)" }, 'api-key')
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc), { jsonDocumentUrl: 'docs-json' });
});
