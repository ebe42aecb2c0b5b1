import 'reflect-metadata';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { runApp } from '@live/app';
import { loadConfigOrExit } from '@live/config';
import { AppConfig, SERVICE } from './app.config';
import { AppModule } from './app.module';

async function bootstrap() {
  const config = loadConfigOrExit(AppConfig, SERVICE);
  await runApp(AppModule.forRoot(config), {
    service: SERVICE,
    host: config.HOST,
    port: config.PORT,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    configure: (app) => {
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
    },
  });
}

void bootstrap();
