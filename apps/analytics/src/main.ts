import 'reflect-metadata';
import { startService } from '@live/bootstrap';
import { AppConfig, SERVICE } from './app.config';
import { AppModule } from './app.module';

void startService(SERVICE, AppConfig, (config) => AppModule.forRoot(config));
