import 'reflect-metadata';
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
  });
}

void bootstrap();
