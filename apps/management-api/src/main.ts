import 'reflect-metadata';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { startService } from '@live/bootstrap';
import { AppConfig, SERVICE } from './app.config';
import { AppModule } from './app.module';

void startService(SERVICE, AppConfig, (config) => AppModule.forRoot(config), (app) => {
  const doc = new DocumentBuilder()
    .setTitle('management-api')
    .setDescription(
      'The admin console API: shows and their lifecycle, products, coupons, notices, polls, moderation and the audit log. ' +
        'Errors answer { code, message, field?, correlationId }.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc), { jsonDocumentUrl: 'docs-json' });
});
