import 'reflect-metadata';
import { startService } from '@live/app';
import { AppConfig, SERVICE } from './app.config';
import { AppModule } from './app.module';

void startService(SERVICE, AppConfig, (config) => AppModule.forRoot(config));
